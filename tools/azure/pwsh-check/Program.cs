// pwsh-check: parses printed PowerShell commands with the real parser and runs them in a runspace
// where only stubs exist, so binding errors are PowerShell's own.
//
// stdin (JSON):
//   { "prelude": "<PowerShell defining the stub functions>",
//     "commandTimeoutMs": 10000,
//     "sessions": [ { "id": "s1", "commands": [ { "id": "c1", "text": "Get-CASMailbox -Identity 'x'" } ] } ] }
// Commands of one session run one after another in one runspace (as an admin pastes a step: a
// variable set by one command is used by the next); every session gets a fresh runspace.
// stdout (JSON):
//   { "psVersion": "7.6.10", "preludeErrors": [...],
//     "sessions": [ { "id": "s1", "commands": [ { "id": "c1",
//         "parseErrors": [ { "id", "message", "line", "column" } ],   // real parser; the command is not run when any
//         "ran": true, "timedOut": false,
//         "errors": [ { "id", "category", "message", "command", "line", "column" } ],  // FullyQualifiedErrorId etc.
//         "calls": [ { "name", "parameterSet", "bound": { ... } } | { "name": "az", "args": [ ... ] } ] } ] } ] }
// The stubs report their calls by adding to $__calls (a list this host owns); a stub for a native
// program (az) adds { name, args } and this host flattens args the way PowerShell hands an array
// to a native program.
//
// Isolation: PATH and PSModulePath are emptied before any runspace exists, and the runspace is
// built from an empty InitialSessionState that allows no external applications or scripts, loads
// no modules (so nothing autoloads) and holds only the few built-in cmdlets the printed commands
// pipe into (Where-Object, Format-List, ...). A command name that no stub defines fails with
// CommandNotFoundException instead of reaching a real program.
using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Text.Json;
using System.Text.Json.Nodes;

static class Program
{
    // Built-in cmdlets the printed commands use around the Exchange cmdlets; nothing that starts
    // processes, loads modules or talks to the network.
    static readonly HashSet<string> AllowedCmdlets = new(StringComparer.OrdinalIgnoreCase)
    {
        "Where-Object", "ForEach-Object", "Select-Object", "Sort-Object", "Format-List", "Format-Table",
        "Out-Null", "Out-String", "Write-Output", "Write-Host", "ConvertTo-Json", "ConvertFrom-Json",
        "Get-Variable", "Set-Variable", "Remove-Variable", "New-TemporaryFile", "Set-Content", "Get-Content",
        "Remove-Item", "Resolve-Path", "Test-Path", "Join-Path", "Split-Path",
    };

    static int Main(string[] args)
    {
        Environment.SetEnvironmentVariable("PATH", "");
        Environment.SetEnvironmentVariable("PSModulePath", "");
        if (args.Length > 0 && args[0] == "--version")
        {
            Console.WriteLine(typeof(PSObject).Assembly.GetName().Version);
            return 0;
        }
        var input = JsonNode.Parse(Console.In.ReadToEnd()) ?? throw new InvalidDataException("no input");
        var prelude = input["prelude"]?.GetValue<string>() ?? "";
        var timeoutMs = input["commandTimeoutMs"]?.GetValue<int>() ?? 10_000;
        var iss = BuildSessionState();

        var result = new JsonObject
        {
            ["psVersion"] = PSVersion(),
            ["preludeErrors"] = ParseErrors(prelude),
        };
        var sessions = new JsonArray();
        if (((JsonArray)result["preludeErrors"]!).Count == 0)
        {
            foreach (var session in input["sessions"]?.AsArray() ?? new JsonArray())
                sessions.Add(RunSession(iss, prelude, session!, timeoutMs));
        }
        result["sessions"] = sessions;
        Console.Out.Write(result.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        return 0;
    }

    static string PSVersion()
    {
        // PSVersionTable.PSVersion of the hosted engine (the SDK package version).
        var table = typeof(PSObject).Assembly.GetType("System.Management.Automation.PSVersionInfo")!
            .GetProperty("PSVersion", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!
            .GetValue(null);
        return table?.ToString() ?? "";
    }

    static InitialSessionState BuildSessionState()
    {
        var iss = InitialSessionState.Create();
        iss.LanguageMode = PSLanguageMode.FullLanguage;
        iss.ThreadOptions = PSThreadOptions.ReuseThread; // its own thread: a hung command can be stopped from this one
        // Providers the commands need: variables, $env:NAME = ..., functions, temp files.
        var core = typeof(PSObject).Assembly;
        foreach (var (name, typeName) in new[]
                 {
                     ("Variable", "Microsoft.PowerShell.Commands.VariableProvider"),
                     ("Environment", "Microsoft.PowerShell.Commands.EnvironmentProvider"),
                     ("Function", "Microsoft.PowerShell.Commands.FunctionProvider"),
                     ("Alias", "Microsoft.PowerShell.Commands.AliasProvider"),
                     ("FileSystem", "Microsoft.PowerShell.Commands.FileSystemProvider"),
                 })
            iss.Providers.Add(new SessionStateProviderEntry(name, core.GetType(typeName, throwOnError: true)!, null));
        var assemblies = new[]
        {
            core,
            typeof(Microsoft.PowerShell.Commands.SelectObjectCommand).Assembly, // Microsoft.PowerShell.Commands.Utility
            typeof(Microsoft.PowerShell.Commands.SetContentCommand).Assembly, // Microsoft.PowerShell.Commands.Management
        };
        foreach (var assembly in assemblies)
        {
            foreach (var type in assembly.GetExportedTypes())
            {
                var attribute = (CmdletAttribute?)Attribute.GetCustomAttribute(type, typeof(CmdletAttribute));
                if (attribute == null) continue;
                var name = $"{attribute.VerbName}-{attribute.NounName}";
                if (AllowedCmdlets.Contains(name)) iss.Commands.Add(new SessionStateCmdletEntry(name, type, null));
            }
        }
        // Nothing autoloads (there are no module paths either); errors keep going so that every
        // binding error of a multi-line command is reported, not just the first.
        iss.Variables.Add(new SessionStateVariableEntry("PSModuleAutoLoadingPreference", System.Management.Automation.PSModuleAutoLoadingPreference.None, "no module autoloading"));
        // This host has no UI: FileSystemProvider.RemoveItem's progress bar then dereferences a
        // null host UI (NullReferenceException from Remove-Item). An admin's console shows it.
        iss.Variables.Add(new SessionStateVariableEntry("ProgressPreference", ActionPreference.SilentlyContinue, "no progress bars without a host UI"));
        return iss;
    }

    static JsonArray ParseErrors(string text)
    {
        Parser.ParseInput(text, out _, out var errors);
        var list = new JsonArray();
        foreach (var e in errors)
            list.Add(new JsonObject
            {
                ["id"] = e.ErrorId,
                ["message"] = e.Message,
                ["line"] = e.Extent.StartLineNumber,
                ["column"] = e.Extent.StartColumnNumber,
            });
        return list;
    }

    static JsonObject RunSession(InitialSessionState iss, string prelude, JsonNode session, int timeoutMs)
    {
        var commands = new JsonArray();
        var calls = new ArrayList();
        using var runspace = RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        // No external program and no script file may run, whatever PATH holds.
        runspace.SessionStateProxy.Applications.Clear();
        runspace.SessionStateProxy.Scripts.Clear();
        runspace.SessionStateProxy.PSVariable.Set(new PSVariable("__calls", calls, ScopedItemOptions.AllScope | ScopedItemOptions.ReadOnly));
        var preludeRun = Invoke(runspace, prelude, timeoutMs);
        if (((JsonArray)preludeRun["errors"]!).Count > 0)
            return new JsonObject { ["id"] = session["id"]?.GetValue<string>(), ["preludeRun"] = preludeRun, ["commands"] = commands };
        foreach (var command in session["commands"]?.AsArray() ?? new JsonArray())
        {
            var text = command!["text"]!.GetValue<string>();
            var entry = new JsonObject { ["id"] = command["id"]?.GetValue<string>(), ["parseErrors"] = ParseErrors(text) };
            if (((JsonArray)entry["parseErrors"]!).Count == 0)
            {
                calls.Clear();
                var run = Invoke(runspace, text, timeoutMs);
                entry["ran"] = true;
                entry["timedOut"] = run["timedOut"]!.DeepClone();
                entry["errors"] = run["errors"]!.DeepClone();
                var recorded = new JsonArray();
                foreach (var call in calls) recorded.Add(CallToJson(call));
                entry["calls"] = recorded;
            }
            else
            {
                entry["ran"] = false;
                entry["errors"] = new JsonArray();
                entry["calls"] = new JsonArray();
            }
            commands.Add(entry);
        }
        return new JsonObject { ["id"] = session["id"]?.GetValue<string>(), ["commands"] = commands };
    }

    static JsonObject Invoke(Runspace runspace, string text, int timeoutMs)
    {
        var errors = new JsonArray();
        var timedOut = false;
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        // Dot-sourced into the global scope: variables one command sets are there for the next.
        ps.AddScript(text, useLocalScope: false);
        try
        {
            var pending = ps.BeginInvoke();
            if (!pending.AsyncWaitHandle.WaitOne(timeoutMs))
            {
                timedOut = true;
                ps.Stop();
            }
            else ps.EndInvoke(pending);
        }
        catch (RuntimeException e) when (e.ErrorRecord != null)
        {
            errors.Add(ErrorToJson(e.ErrorRecord));
        }
        catch (Exception e)
        {
            errors.Add(new JsonObject { ["id"] = e.GetType().Name, ["category"] = "NotSpecified", ["message"] = e.Message });
        }
        foreach (var record in ps.Streams.Error) errors.Add(ErrorToJson(record));
        return new JsonObject { ["errors"] = errors, ["timedOut"] = timedOut };
    }

    static JsonObject ErrorToJson(ErrorRecord record) => new()
    {
        ["id"] = record.FullyQualifiedErrorId,
        ["category"] = record.CategoryInfo.Category.ToString(),
        ["message"] = record.Exception?.Message ?? record.ToString(),
        ["command"] = record.InvocationInfo?.MyCommand?.Name,
        ["line"] = record.InvocationInfo?.ScriptLineNumber,
        ["column"] = record.InvocationInfo?.OffsetInLine,
    };

    static JsonObject CallToJson(object? call)
    {
        var table = Unwrap(call) as IDictionary ?? new Hashtable();
        var json = new JsonObject { ["name"] = Unwrap(table["name"])?.ToString() };
        if (table.Contains("args"))
        {
            var args = new JsonArray();
            foreach (var arg in NativeArgs(table["args"])) args.Add(arg);
            json["args"] = args;
        }
        else
        {
            json["parameterSet"] = Unwrap(table["set"])?.ToString();
            var bound = new JsonObject();
            if (Unwrap(table["bound"]) is IDictionary parameters)
                foreach (DictionaryEntry p in parameters) bound[p.Key.ToString()!] = ValueToJson(p.Value);
            json["bound"] = bound;
        }
        return json;
    }

    static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;

    // What a native program receives for each element of $args: arrays are spread into separate
    // arguments, everything else is its string form.
    static IEnumerable<string> NativeArgs(object? value)
    {
        value = Unwrap(value);
        if (value is null) yield break;
        if (value is string s) { yield return s; yield break; }
        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                var inner = Unwrap(item);
                if (inner is IEnumerable and not string)
                    foreach (var nested in NativeArgs(inner)) yield return nested;
                else yield return inner?.ToString() ?? "";
            }
            yield break;
        }
        yield return value.ToString() ?? "";
    }

    static JsonNode? ValueToJson(object? value)
    {
        value = Unwrap(value);
        switch (value)
        {
            case null: return null;
            case SwitchParameter sw: return sw.IsPresent;
            case bool b: return b;
            case string s: return s;
            case int or long or double or uint: return JsonValue.Create(Convert.ToDouble(value));
            case IDictionary dict:
            {
                var obj = new JsonObject();
                foreach (DictionaryEntry e in dict) obj[e.Key.ToString()!] = ValueToJson(e.Value);
                return obj;
            }
            case IEnumerable items:
            {
                var array = new JsonArray();
                foreach (var item in items) array.Add(ValueToJson(item));
                return array;
            }
            default: return value.ToString();
        }
    }
}
