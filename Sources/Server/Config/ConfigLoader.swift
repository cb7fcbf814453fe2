import Glibc

/// What the process hands the loader: its arguments, its environment and where to look for files.
public struct ConfigInputs: Sendable {
    public var arguments: [String]
    public var environment: [String: String]
    /// Where `application.yml` and `config/` are looked for; nil looks for no file unless
    /// `spring.config.location` names one (relative names are then taken from the current directory).
    public var workingDirectory: String?
    /// Reads YAML files; without one a YAML file found is an error (the library itself parses no YAML).
    public var yaml: YAMLReader?

    public init(arguments: [String] = [], environment: [String: String] = [:], workingDirectory: String? = ".", yaml: YAMLReader? = nil) {
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.yaml = yaml
    }
}

/// Flags, environment variables and config files -> ServerConfig, in Spring Boot's precedence: command-line
/// flags over `SPRING_APPLICATION_JSON` over environment variables over config files (profile files over plain ones, `./config/` over `./`,
/// later documents over earlier ones) over the defaults. Every value passes through ConfigBinding.
public enum ConfigLoader {
    /// Command-line flags alone (`--name=value`), no environment and no default file places.
    public static func load(arguments: [String]) throws(ConfigError) -> ServerConfig {
        try load(ConfigInputs(arguments: arguments, workingDirectory: nil)).config
    }

    public static func load(_ inputs: ConfigInputs) throws(ConfigError) -> LoadedConfig {
        let flags = try collapse(flagEntries(inputs.arguments))
        let (variables, strays) = try EnvironmentNames.entries(inputs.environment)
        let environmentEntries = try collapse(variables)
        let json = try collapse(ApplicationJSON.entries(flags: flags, environmentEntries: environmentEntries))
        var layers = PropertyLayers(flags: flags, json: json, environmentEntries: environmentEntries, environment: inputs.environment)

        // Where the files are: from flags and environment only, as in Spring.
        let location = try layers.resolved("spring.config.location")
        let names = try layers.resolved("spring.config.name").map { list($0.value) } ?? ["application"]
        var locations: [ConfigFiles.Location] = []
        if location != nil || inputs.workingDirectory != nil {
            do {
                locations = try ConfigFiles.locations(location?.value, workingDirectory: inputs.workingDirectory ?? ".")
            } catch {
                throw location.map { ConfigError.located(error, $0.source) } ?? error
            }
        }
        let relocate = { (error: ConfigError) -> ConfigError in
            if case .located = error { return error }
            return location.map { ConfigError.located(error, $0.source) } ?? error
        }

        let platform = CloudPlatform.detect(inputs.environment)
        var read = FileDocuments(yaml: inputs.yaml)
        let plainFiles: [ConfigFiles.File]
        do { plainFiles = try ConfigFiles.existing(in: locations, names: names, profile: nil) } catch { throw relocate(error) }
        var plain = try read.documents(of: plainFiles, profileFile: false)
        // Imports named by a flag or the environment: after the application files (so over them), relative to the
        // working directory.
        if let initial = try layers.resolved("spring.config.import") {
            let request = ConfigEntry(key: "spring.config.import", value: initial.value, source: initial.source)
            plain += try read.imports(request, from: ("", inputs.workingDirectory ?? "."), profileFile: false, importedBy: nil)
        }

        // Which profiles: flags, then environment, then the plain files' unconditional documents.
        layers.files = []
        for document in plain where try document.appliesBeforeProfiles(platform: platform) {
            layers.files += document.entries
        }
        let profiles = try activeProfiles(layers)

        var profileFiles: [ConfigFiles.File] = []
        for profile in profiles {
            do { profileFiles += try ConfigFiles.existing(in: locations, names: names, profile: profile) } catch { throw relocate(error) }
        }
        let all = plain + (try read.documents(of: profileFiles, profileFile: true))
        var active: [ConfigEntry] = []
        for document in all where try document.applies(profiles: profiles, platform: platform) {
            active += document.entries
        }
        layers.files = active
        return try bind(layers, strays: strays, skippedImports: read.skippedImports, profiles: profiles, files: read.files)
    }

    /// Resolves placeholders and applies every entry in rising precedence. A key outside our settings that some
    /// placeholder read is a helper property, not a mistake: it gets no warning.
    private static func bind(_ layers: PropertyLayers, strays: [EnvironmentNames.Stray],
                             skippedImports: [(source: ConfigSource, reason: String)], profiles: [String],
                             files: [String]) throws(ConfigError) -> LoadedConfig {
        var placeholders = Placeholders(lookup: { layers.raw($0) })
        var resolved: [(entry: ConfigEntry, known: Bool)] = []
        for entry in layers.files + layers.environmentEntries + layers.json + layers.flags {
            let relaxed = SettingKeys.relaxed(entry.key)
            let known = SettingKeys.byRelaxedName[relaxed] != nil || SettingKeys.family(relaxedName: relaxed) != nil
                || ZoneSettings.isZoneKey(relaxedName: relaxed)
            guard known else {
                // Unknown: in our namespaces ConfigBinding refuses it below, before its value is looked at.
                resolved.append((entry, SettingKeys.isStrict(relaxedName: relaxed)))
                continue
            }
            var copy = entry
            do {
                copy.value = try placeholders.resolve(entry.value, setting: SettingKeys.byRelaxedName[relaxed]?.name ?? entry.key)
            } catch {
                throw ConfigError.located(error, entry.source)
            }
            resolved.append((copy, true))
        }
        var binding = ConfigBinding()
        for skipped in skippedImports {
            binding.ignore("spring.config.import", source: skipped.source, reason: skipped.reason)
        }
        for stray in strays {
            binding.ignore(stray.key, source: stray.source, reason: "no such setting, nor close to one; taken for a variable about the server")
        }
        for (entry, known) in resolved where known || !placeholders.referenced.contains(SettingKeys.relaxed(entry.key)) {
            try binding.apply(key: entry.key, value: entry.value, source: entry.source)
        }
        binding.noteUnusedZones()
        return LoadedConfig(binding: binding, profiles: profiles, files: files)
    }

    /// `--name=value` flags. `--print-config` and `--help` are the executable's and never reach here.
    static func flagEntries(_ arguments: [String]) throws(ConfigError) -> [ConfigEntry] {
        var entries: [ConfigEntry] = []
        for argument in arguments {
            guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else {
                throw ConfigError.malformedArgument(argument)
            }
            let name = String(argument[argument.index(argument.startIndex, offsetBy: 2)..<equals])
            let value = String(argument[argument.index(after: equals)...])
            entries.append(ConfigEntry(key: name, value: value, source: .flag("--" + name)))
        }
        return entries
    }

    /// The active profiles: `spring.profiles.include` and then `spring.profiles.active` (later ones win), or
    /// `default` when none is set, as in Spring.
    private static func activeProfiles(_ layers: PropertyLayers) throws(ConfigError) -> [String] {
        var profiles: [String] = []
        for name in ["spring.profiles.include", "spring.profiles.active"] {
            for profile in try layers.resolved(name).map({ list($0.value) }) ?? [] where !profiles.contains(profile) {
                profiles.append(profile)
            }
        }
        return profiles.isEmpty ? ["default"] : profiles
    }

    /// Spring's list values (`a, b`) as items.
    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0.trimmingSpaces) }.filter { !$0.isEmpty }
    }

    /// List items given one per key (`defaultZone[0]`, `defaultZone[1]`: a YAML list) become one comma string at
    /// the first item, for list settings and the loader's own lists. Items of a one-value setting are an error.
    static func collapse(_ entries: [ConfigEntry]) throws(ConfigError) -> [ConfigEntry] {
        var out: [ConfigEntry] = []
        var groups: [String: (position: Int, items: [(Int, String)])] = [:]
        for entry in entries {
            guard let (base, index) = indexed(entry.key) else {
                out.append(entry)
                continue
            }
            let key = SettingKeys.byRelaxedName[SettingKeys.relaxed(base)]
            let isZoneList = key == nil && ZoneSettings.isZoneKey(relaxedName: SettingKeys.relaxed(base))
            guard key != nil || isZoneList else {
                out.append(entry)
                continue
            }
            if let key, !(key.isList || key.kind == .loader) {
                throw ConfigError.located(.unusableValue(name: key.name, value: entry.value, reason: "a list where one value is expected"), entry.source)
            }
            let relaxed = SettingKeys.relaxed(base)
            if groups[relaxed] == nil {
                groups[relaxed] = (out.count, [])
                out.append(ConfigEntry(key: base, value: "", source: entry.source))
            }
            groups[relaxed]!.items.append((index, entry.value))
        }
        for (_, group) in groups {
            out[group.position].value = group.items.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: ",")
        }
        return out
    }

    /// `name[3]` -> (`name`, 3).
    private static func indexed(_ key: String) -> (String, Int)? {
        guard key.hasSuffix("]"), let open = key.lastIndex(of: "["),
              let index = Int(key[key.index(after: open)..<key.index(before: key.endIndex)]) else { return nil }
        return (String(key[..<open]), index)
    }

    /// The process environment, read without Foundation.
    public static func processEnvironment() -> [String: String] {
        var environment: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return environment
    }
}
