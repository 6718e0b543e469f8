#!/usr/bin/env node
/*
 * Extracts the parameters of the az commands the project prints from the Azure CLI reference
 * (MicrosoftDocs/azure-docs-cli, docs-ref-autogen/Latest-version/latest: one yml per command group,
 * generated from the CLI's own argument registrations) into az-commands.json. The test checker
 * (test/tools/az-reference.ts) compares a recorded argv against it.
 *
 * Refresh:
 *   git clone https://github.com/MicrosoftDocs/azure-docs-cli <dir>
 *   node tools/azure/reference/extract-az.js <dir> > tools/azure/reference/az-commands.json
 *
 * What a parameter takes, from the reference:
 * - `defaultValue: "False"` without acceptedValues: a flag (store_true), no value.
 * - acceptedValues `false, true`: a three-state flag, alone or followed by true/false.
 * - a summary starting "Space-separated": one or more values.
 * - anything else: exactly one value; acceptedValues, when listed, are the only ones.
 * Value formats the reference only describes in prose are pinned in VALUE_FORMATS with the CLI
 * source line that enforces them (Azure/azure-cli, path and commit).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const YAML = require('yaml');

const REPO = 'MicrosoftDocs/azure-docs-cli';
const ROOT = 'docs-ref-autogen/Latest-version/latest';

/** Every az command the setup guide and the remedies print (grep 'az ' in shared/). */
const COMMANDS = [
  'ad app credential reset',
  'ad app credential list',
  'ad app credential delete',
  'ad app permission add',
  'ad app permission admin-consent',
  'ad app show',
  'ad sp show',
  'ad sp create',
  'ad sp update',
  'keyvault secret set',
  'keyvault secret set-attributes',
  'keyvault secret show',
  'keyvault show',
  'keyvault set-policy',
  'keyvault network-rule list',
  'role assignment create',
  'rest',
  'login',
  'account show',
  'monitor metrics list',
  'identity show',
  'functionapp identity show',
  'functionapp identity assign',
  'cloud set',
  'cloud register',
];

const KEYVAULT_DATETIME = {
  format: 'az-keyvault-datetime',
  accepted: ['%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%MZ', '%Y-%m-%dT%HZ', '%Y-%m-%d'],
  source: {
    repo: 'Azure/azure-cli',
    path: 'src/azure-cli/azure/cli/command_modules/keyvault/_validators.py',
    commit: 'd8b6c85b50b8dbe114d833fbe6964f8410cafb79',
    enforcedBy: "datetime_type(): datetime.strptime with each accepted format in turn, else ValueError \"Input '...' not valid. Valid example: 2000-12-31T12:59:59Z\" (so a fraction of a second or an offset is rejected)",
  },
};

/** Formats the CLI validates that the reference states only in prose. */
const VALUE_FORMATS = {
  'keyvault secret set': { '--expires': KEYVAULT_DATETIME, '--not-before': KEYVAULT_DATETIME },
  'keyvault secret set-attributes': { '--expires': KEYVAULT_DATETIME, '--not-before': KEYVAULT_DATETIME },
  'ad app credential reset': {
    '--years': {
      format: 'integer',
      source: {
        repo: 'Azure/azure-cli',
        path: 'src/azure-cli/azure/cli/command_modules/role/_params.py',
        commit: 'e2fb281910d337eec1627424376f82d61c8717b9',
        enforcedBy: "c.argument('years', type=int, ...): argparse rejects a value int() cannot parse",
      },
    },
  },
};

function show(dir, commit, path) {
  return execFileSync('git', ['-C', dir, 'show', `${commit}:${path}`], { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 << 20 });
}

function fileFor(command) {
  const words = command.split(' ');
  // A group's commands live in <group path>.yml; top-level commands in reference-index.yml.
  return words.length === 1 ? `${ROOT}/reference-index.yml` : `${ROOT}/${words.slice(0, -1).join('/')}.yml`;
}

function parameter(entry, required) {
  const names = String(entry.name).split(/\s+/);
  const accepted = entry.acceptedValues ? String(entry.acceptedValues).split(',').map((v) => v.trim()) : undefined;
  const summary = String(entry.summary ?? '');
  let takes;
  if (accepted && accepted.length === 2 && accepted.includes('true') && accepted.includes('false')) takes = 'optional-boolean';
  else if (!accepted && String(entry.defaultValue) === 'False') takes = 'flag';
  else if (names.includes('--help')) takes = 'flag'; // argparse's own help action; the reference lists no default for it
  else if (/^space[- ]separated/i.test(summary)) takes = 'values';
  else takes = 'value';
  const out = { names, takes, required };
  if (accepted && takes !== 'optional-boolean') out.acceptedValues = accepted;
  return out;
}

function main() {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: extract-az.js <azure-docs-cli clone>\n');
    process.exit(2);
  }
  const commit = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', timeout: 30_000 }).trim();
  const commands = {};
  let globalParameters;
  for (const command of COMMANDS) {
    const path = fileFor(command);
    const doc = YAML.parse(show(dir, commit, path));
    const uid = `az_${command.replace(/ /g, '_')}`;
    const entry = (doc.directCommands ?? []).concat(doc.commands ?? []).find((c) => c && c.uid === uid);
    if (!entry) throw new Error(`${command}: no ${uid} in ${path}`);
    const parameters = [
      ...(entry.requiredParameters ?? []).map((p) => parameter(p, true)),
      ...(entry.optionalParameters ?? []).map((p) => parameter(p, false)),
    ];
    for (const p of parameters) {
      const format = VALUE_FORMATS[command]?.[p.names[0]];
      if (format) p.format = format;
    }
    globalParameters ??= (entry.globalParameters ?? []).map((p) => parameter(p, false));
    commands[command] = { path, status: entry.status, parameters };
  }
  const out = {
    about: 'Azure CLI command parameters extracted from the Azure CLI reference by tools/azure/reference/extract-az.js (see its header for the rules). Do not edit by hand: re-run it.',
    source: { repo: REPO, commit, root: ROOT },
    globalParameters,
    commands,
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main();
