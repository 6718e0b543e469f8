/** Placeholders become sample values before a command runs; nested ones and ones holding $( are problems. */
import { SAMPLE_GUID, SAMPLE_TEXT, substitutePlaceholders } from './placeholders';

describe('placeholders', () => {
  it('an example is used as the sample, an id becomes a GUID, a file name stays, anything else PLACEHOLDER', () => {
    const s = substitutePlaceholders('az x --expires <its expiry, e.g. 2027-11-27T00:00:00Z> --id <principal id> --cert @<certificate.pem> --value "<the new secret\'s Value>"');
    expect(s.text).toBe(`az x --expires 2027-11-27T00:00:00Z --id ${SAMPLE_GUID} --cert @certificate.pem --value "${SAMPLE_TEXT}"`);
    expect(s.problems).toEqual([]);
  });
  it('shell syntax is left alone: redirection, heredoc, process substitution', () => {
    for (const text of ['base64 < file | tr -d x', 'cat <<EOF', 'diff <(a) b']) expect(substitutePlaceholders(text)).toMatchObject({ text, problems: [] });
  });
  it('failing twins: a nested placeholder and one holding $( are problems', () => {
    expect(substitutePlaceholders('--assignee <principal id: az x show -n <function app> --query id>').problems).toEqual([expect.stringMatching(/nests another placeholder/)]);
    expect(substitutePlaceholders('--id <the id: $(az ad sp show --id x)>').problems).toEqual([expect.stringMatching(/holds a \$\( command/)]);
  });
});
