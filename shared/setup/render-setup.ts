/** The setup guide for a person (numbered steps, the commands for one shell) or for a script (JSON). */
import type { Shell } from './shell-command';
import type { SetupGuide } from './setup-guide';

const WIDTH = 100;

function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

const SHELL_NAME: Record<Shell, string> = { posix: 'bash/zsh', powershell: 'PowerShell' };

/** Commands are printed unwrapped and indented only: they must paste exactly as printed. */
export function renderSetupText(guide: SetupGuide, shell: Shell, header: string): string {
  const out: string[] = [header, ''];
  guide.steps.forEach((step, index) => {
    out.push(wrap(`${index + 1}. ${step.title}`, '').replace(/\n/g, '\n   '));
    if (step.portal) out.push(wrap(`Portal: ${step.portal}`, '   '));
    if (step.pitfall) out.push(wrap(`Watch out: ${step.pitfall}`, '   '));
    let current: Shell | undefined;
    for (const command of step.commands) {
      const chosen: Shell = command.posix !== undefined && shell === 'posix' ? 'posix' : 'powershell';
      if (chosen !== current) out.push(`   ${SHELL_NAME[chosen]}:`);
      current = chosen;
      const text = chosen === 'posix' ? command.posix! : command.powershell;
      out.push(text.replace(/^/gm, '     '));
    }
    out.push('');
  });
  return out.join('\n');
}

export function renderSetupJson(guide: SetupGuide): string {
  return JSON.stringify(guide, null, 2) + '\n';
}
