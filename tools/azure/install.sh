#!/usr/bin/env bash
# Installs the validator tools the tests use into tools/azure/.bin (needs the .NET SDK; packages
# come from NuGet, pinned in the projects beside this script):
#   .bin/bicep             the Bicep CLI (Azure.Bicep.CommandLine.linux-x64)
#   .bin/pwsh-check/       the real PowerShell parser and a runspace, hosted from Microsoft.PowerShell.SDK
# Without .NET the tests that need them skip with one line each; CI (.ci/run) runs this script and
# sets MAILBOX_HEALTH_REQUIRE_VALIDATORS=1, which turns such a skip into a failure.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v dotnet >/dev/null; then
  echo "tools/azure/install.sh: the .NET SDK (dotnet) is needed to install the validator tools" >&2
  exit 1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p .bin
dotnet restore bicep/bicep.csproj -v q
bicep_dir="$(dotnet msbuild bicep/bicep.csproj -getProperty:BicepCliDir)"
chmod +x "$bicep_dir/tools/bicep"
ln -sfn "$bicep_dir/tools/bicep" .bin/bicep
if [ -f pwsh-check/pwsh-check.csproj ]; then
  dotnet build pwsh-check/pwsh-check.csproj -c Release -v q -nologo -o .bin/pwsh-check
fi
echo "validator tools in $(pwd)/.bin: $(.bin/bicep --version)"
