#!/usr/bin/env node
/*
 * Extracts the signatures of the cmdlets the project prints from Microsoft's cmdlet reference
 * (platyPS markdown: a SYNTAX block per parameter set, then per parameter a yaml block with Type,
 * Parameter Sets, Aliases, Required, Position, Accept pipeline input) into exchange-cmdlets.json.
 * The test harness turns that file into stub functions, so PowerShell itself rejects a parameter
 * the reference does not have.
 *
 * Refresh:
 *   git clone https://github.com/MicrosoftDocs/office-docs-powershell  <exchange>
 *   git clone https://github.com/MicrosoftDocs/windows-powershell-docs <windows>
 *   node tools/azure/reference/extract-cmdlets.js <exchange> <windows> > tools/azure/reference/exchange-cmdlets.json
 * Each cmdlet records the repository, path and commit it was read from (git show <commit>:<path>).
 *
 * Rules, and why:
 * - Exchange parameters whose "Applicable:" line does not name Exchange Online are dropped (the
 *   project talks to Exchange Online only: there -DomainController does not exist), and so is a
 *   parameter set whose mandatory parameter was dropped (New-ManagementRoleAssignment -Computer).
 * - The default parameter set is the one marked "(Default)" in SYNTAX, else the first one listed:
 *   the reference does not say which one the cmdlet declares, and without one PowerShell would call
 *   `Get-MailboxPermission -Identity x` ambiguous.
 * - -Confirm/-WhatIf become SupportsShouldProcess, the common parameters are PowerShell's own.
 * - Values a parameter accepts: the yaml "Accepted values:" line, or, for the parameters listed in
 *   VALUES_IN_TEXT, the values the description lists (in backticks or as a bullet list).
 * - CORRECTIONS: where the reference contradicts itself, the correction and its reason are recorded
 *   in the output next to the parameter.
 */
'use strict';
const { execFileSync } = require('node:child_process');

const EXCHANGE_REPO = 'MicrosoftDocs/office-docs-powershell';
const WINDOWS_REPO = 'MicrosoftDocs/windows-powershell-docs';
const EXCHANGE_DIR = 'exchange/exchange-ps/ExchangePowerShell';
const WINDOWS_DIR = 'docset/winserver2025-ps';

/** The cmdlets the setup guide and the remedies print (grep shared/setup, shared/diagnosis). */
const CMDLETS = [
  ['Connect-ExchangeOnline', 'exchange'],
  ['Get-ServicePrincipal', 'exchange'],
  ['New-ServicePrincipal', 'exchange'],
  ['Add-MailboxPermission', 'exchange'],
  ['Get-MailboxPermission', 'exchange'],
  ['Get-CASMailbox', 'exchange'],
  ['Set-CASMailbox', 'exchange'],
  ['Get-MailboxFolderStatistics', 'exchange'],
  ['New-ManagementRoleAssignment', 'exchange'],
  ['Get-ManagementRoleAssignment', 'exchange'],
  ['New-ManagementScope', 'exchange'],
  ['Get-ManagementScope', 'exchange'],
  ['Test-ServicePrincipalAuthorization', 'exchange'],
  ['Resolve-DnsName', 'windows', 'DnsClient'],
  ['Test-NetConnection', 'windows', 'NetTCPIP'],
];

/** Parameters whose accepted values the reference gives only in the description text. */
const VALUES_IN_TEXT = {
  'Connect-ExchangeOnline': ['ExchangeEnvironmentName'],
  'Add-MailboxPermission': ['AccessRights'],
};

/** Where the reference contradicts itself. */
const CORRECTIONS = {
  'New-ServicePrincipal': {
    ServiceId: {
      required: false,
      why: 'The reference marks -ServiceId Required but says "This parameter is being deprecated. Use the ObjectId parameter instead.", and its own example omits it.',
    },
  },
};

const COMMON = new Set(['Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ErrorVariable', 'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable', 'ProgressAction', 'WhatIf', 'Confirm']);

function gitShow(dir, path) {
  const commit = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', timeout: 30_000 }).trim();
  const text = execFileSync('git', ['-C', dir, 'show', `${commit}:${path}`], { encoding: 'utf8', timeout: 30_000, maxBuffer: 16 << 20 });
  return { commit, text };
}

function section(text, heading) {
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) return '';
  const rest = text.slice(start + heading.length + 5);
  const end = rest.search(/\n## /);
  return end < 0 ? rest : rest.slice(0, end);
}

/** SYNTAX: the sets in order, each with its parameter names (to know which sets exist). */
function parseSyntax(text, cmdlet) {
  const syntax = section(text, 'SYNTAX');
  const sets = [];
  let defaultSet = null;
  const blocks = [...syntax.matchAll(/(?:### ([^\n]+)\n+)?```[^\n]*\n([\s\S]*?)```/g)];
  for (const [, heading, body] of blocks) {
    if (!body.trim().startsWith(cmdlet)) continue;
    let name = (heading ?? '__AllParameterSets').trim();
    if (/\(Default\)$/.test(name)) {
      name = name.replace(/\s*\(Default\)$/, '');
      defaultSet = name;
    }
    sets.push({ name, parameters: [...body.matchAll(/-([A-Za-z0-9]+)\b/g)].map((m) => m[1]) });
  }
  return { sets, defaultSet };
}

function yamlField(block, field) {
  const match = block.match(new RegExp(`^${field}:[ \\t]*(.*)$`, 'm'));
  return match ? match[1].trim() : undefined;
}

function valuesFromText(description) {
  const ticked = [...description.matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => m[1]);
  if (ticked.length > 0) return ticked;
  return [...description.matchAll(/^- ([A-Za-z0-9]+)\s*$/gm)].map((m) => m[1]);
}

function parseParameters(text, cmdlet, source) {
  const parameters = [];
  const body = section(text, 'PARAMETERS');
  for (const chunk of body.split(/\n(?=### -)/)) {
    const head = chunk.match(/^### -([A-Za-z0-9]+)/);
    if (!head) continue;
    const name = head[1];
    const applicable = chunk.match(/^> Applicable: (.*)$/m)?.[1];
    const yamls = [...chunk.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    const description = chunk.slice(head[0].length, chunk.indexOf('```yaml') >= 0 ? chunk.indexOf('```yaml') : undefined);
    if (yamls.length === 0) continue;
    const type = yamlField(yamls[0], 'Type');
    const aliases = (yamlField(yamls[0], 'Aliases') ?? '').split(',').map((a) => a.trim()).filter(Boolean);
    const pipeline = yamlField(yamls[0], 'Accept pipeline input') ?? 'False';
    const sets = {};
    for (const yaml of yamls) {
      const position = yamlField(yaml, 'Position');
      for (const set of (yamlField(yaml, 'Parameter Sets') ?? '(All)').split(',').map((s) => s.trim())) {
        sets[set] = { mandatory: /^true$/i.test(yamlField(yaml, 'Required') ?? ''), position: /^\d+$/.test(position ?? '') ? Number(position) : null };
      }
    }
    const parameter = {
      name,
      type,
      switch: /^(System\.Management\.Automation\.)?SwitchParameter$/.test(type ?? ''),
      aliases,
      pipeline: /ByPropertyName/i.test(pipeline) ? 'ByPropertyName' : /^True/i.test(pipeline) ? 'ByValue' : null,
      sets,
    };
    const accepted = yamlField(yamls[0], 'Accepted values');
    if (accepted) parameter.acceptedValues = accepted.split(',').map((v) => v.trim());
    else if (VALUES_IN_TEXT[cmdlet]?.includes(name)) {
      const values = valuesFromText(description);
      const fallback = yamlField(yamls[0], 'Default value');
      parameter.acceptedValues = [...new Set([...values, ...(fallback && fallback !== 'None' ? [fallback] : [])])];
      parameter.acceptedValuesFrom = 'description';
    }
    if (source === 'exchange') {
      parameter.applicable = applicable ?? null;
      if (!/Exchange Online/.test(applicable ?? '')) parameter.exchangeOnline = false;
    }
    const correction = CORRECTIONS[cmdlet]?.[name];
    if (correction) {
      for (const set of Object.values(sets)) set.mandatory = correction.required;
      parameter.correction = correction.why;
    }
    parameters.push(parameter);
  }
  return parameters;
}

function extract(dir, repo, path, cmdlet, source) {
  const { commit, text } = gitShow(dir, path);
  const { sets, defaultSet } = parseSyntax(text, cmdlet);
  const all = parseParameters(text, cmdlet, source);
  const setNames = sets.map((s) => s.name);
  // "(All)" stands for every set the SYNTAX lists.
  for (const p of all) {
    if (p.sets['(All)']) {
      const spec = p.sets['(All)'];
      delete p.sets['(All)'];
      for (const set of setNames) p.sets[set] ??= spec;
    }
  }
  const dropped = all.filter((p) => p.exchangeOnline === false);
  const droppedSets = setNames.filter((set) => dropped.some((p) => p.sets[set]?.mandatory));
  const keptSets = setNames.filter((s) => !droppedSets.includes(s));
  const parameters = all
    .filter((p) => p.exchangeOnline !== false && !COMMON.has(p.name))
    .map((p) => ({ ...p, sets: Object.fromEntries(Object.entries(p.sets).filter(([set]) => keptSets.includes(set))) }))
    .filter((p) => Object.keys(p.sets).length > 0)
    .map(({ exchangeOnline, applicable, ...rest }) => rest);
  return {
    repo,
    path,
    commit,
    parameterSets: keptSets,
    defaultParameterSet: defaultSet && keptSets.includes(defaultSet) ? defaultSet : keptSets[0],
    defaultParameterSetFrom: defaultSet ? 'reference' : 'first set listed (the reference does not say)',
    supportsShouldProcess: all.some((p) => p.name === 'WhatIf' || p.name === 'Confirm'),
    parameters,
    ...(droppedSets.length ? { droppedSets } : {}),
    ...(dropped.length ? { droppedParameters: dropped.map((p) => p.name) } : {}),
  };
}

function main() {
  const [exchangeDir, windowsDir] = process.argv.slice(2);
  if (!exchangeDir || !windowsDir) {
    process.stderr.write('usage: extract-cmdlets.js <office-docs-powershell clone> <windows-powershell-docs clone>\n');
    process.exit(2);
  }
  const cmdlets = {};
  for (const [name, source, module] of CMDLETS) {
    cmdlets[name] =
      source === 'exchange'
        ? extract(exchangeDir, EXCHANGE_REPO, `${EXCHANGE_DIR}/${name}.md`, name, 'exchange')
        : extract(windowsDir, WINDOWS_REPO, `${WINDOWS_DIR}/${module}/${name}.md`, name, 'windows');
  }
  const out = {
    about: 'Cmdlet signatures extracted from Microsoft\'s cmdlet reference by tools/azure/reference/extract-cmdlets.js (see its header for the rules). Do not edit by hand: re-run it.',
    cmdlets,
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main();
