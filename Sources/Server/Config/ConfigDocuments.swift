/// The documents of the config files read, each with the conditions that select it, and the files they import.
struct FileDocuments {
    let yaml: YAMLReader?
    /// Every file read, in rising precedence, as messages show it.
    private(set) var files: [String] = []
    /// Full paths read: an import of a file read already is skipped (Spring imports a location once).
    private var read: Set<String> = []
    /// Optional imports of a kind other than a file, skipped: one warning each.
    private(set) var skippedImports: [(source: ConfigSource, reason: String)] = []

    init(yaml: YAMLReader?) {
        self.yaml = yaml
    }

    /// Reads and parses `files`. Every document is checked for unknown keys in our namespaces, whether or not it
    /// applies (a typo in the `peer2` document fails on `peer1` too). `profileFile`: `application-{profile}.*`.
    /// A document's `spring.config.import` brings its files' documents in right after it (they override it), each
    /// counting only where the importing document counts.
    mutating func documents(of files: [ConfigFiles.File], profileFile: Bool,
                            importedBy parent: SelectableDocument? = nil) throws(ConfigError) -> [SelectableDocument] {
        var out: [SelectableDocument] = []
        for file in files {
            guard read.insert(file.fullPath).inserted else { continue }
            let text = try ConfigFiles.read(file)
            let documents: [ConfigDocument]
            switch file.format {
            case .properties:
                documents = try PropertiesFormat.documents(text, path: file.shown)
            case .yaml:
                guard let yaml else {
                    throw ConfigError.unreadableFile(path: file.shown, reason: "this build reads no YAML (use .properties)")
                }
                documents = try yaml(text, file.shown)
            }
            self.files.append(file.shown)
            for document in documents {
                var selectable = try SelectableDocument(ConfigLoader.collapse(document.entries), profileFile: profileFile)
                if let parent { selectable.inherit(parent) }
                out.append(selectable)
                if let request = selectable.importRequest {
                    out += try imports(request, from: ConfigFiles.directory(of: file), profileFile: profileFile, importedBy: selectable)
                }
            }
        }
        return out
    }

    /// The documents of the files `request` names (a comma list): `optional:` allows a missing one, `file:` is
    /// dropped, a relative name is taken from `directory` (the importing file's, or the working directory).
    mutating func imports(_ request: ConfigEntry, from directory: (shown: String, full: String), profileFile: Bool,
                          importedBy parent: SelectableDocument?) throws(ConfigError) -> [SelectableDocument] {
        var out: [SelectableDocument] = []
        for item in ConfigLoader.list(request.value) {
            let unusable = { (reason: String) in
                ConfigError.located(.unusableValue(name: "spring.config.import", value: item, reason: reason), request.source)
            }
            let optional = item.hasPrefix("optional:")
            let target = optional ? String(item.dropFirst("optional:".count)) : item
            if let colon = target.firstIndex(of: ":"), target[..<colon] != "file", target[..<colon].allSatisfy(\.isLetter) {
                guard optional else { throw unusable("only file imports are read here") }
                skippedImports.append((request.source, "\(item): only file imports are read here"))
                continue
            }
            var locations: [ConfigFiles.Location]
            do {
                locations = try ConfigFiles.locations(item, workingDirectory: directory.full)
            } catch {
                if case .unusableValue(_, _, let reason) = error { throw unusable(reason) }
                throw unusable(error.description)
            }
            let absolute = target.hasPrefix("/") || target.hasPrefix("file:/")
            locations = locations.map {
                ConfigFiles.Location(shown: absolute ? $0.shown : directory.shown + $0.shown, fullPath: $0.fullPath,
                                     isDirectory: $0.isDirectory, optional: $0.optional)
            }
            let files: [ConfigFiles.File]
            do {
                files = try ConfigFiles.existing(in: locations, names: ["application"], profile: nil)
            } catch {
                throw unusable("not found; prefix it with optional: to allow that")
            }
            out += try documents(of: files, profileFile: profileFile, importedBy: parent)
        }
        return out
    }
}

/// One document: its settings, and the activation keys that select it (Spring's `spring.config.activate.*`).
struct SelectableDocument {
    private(set) var entries: [ConfigEntry] = []
    /// `spring.config.activate.on-profile` or the older `spring.profiles`.
    private(set) var onProfile: ConfigEntry?
    private(set) var onPlatform: ConfigEntry?
    /// `spring.config.import` of this document.
    private(set) var importRequest: ConfigEntry?
    /// The conditions of the documents that imported this one: it counts only where they count.
    private var inheritedProfiles: [ConfigEntry] = []
    private var inheritedPlatforms: [ConfigEntry] = []
    /// Set by a profile: a profile file, or a document with `on-profile`. Such a one may not activate profiles.
    private(set) var isProfileSpecific: Bool

    init(_ entries: [ConfigEntry], profileFile: Bool) throws(ConfigError) {
        for entry in entries {
            let relaxed = SettingKeys.relaxed(entry.key)
            switch relaxed {
            case "spring.config.activate.onprofile", "spring.profiles": onProfile = entry
            case "spring.config.activate.oncloudplatform": onPlatform = entry
            case "spring.config.import": importRequest = entry
            default:
                if SettingKeys.isStrict(relaxedName: relaxed) && SettingKeys.byRelaxedName[relaxed] == nil
                    && SettingKeys.family(relaxedName: relaxed) == nil {
                    throw ConfigError.located(.unknownSetting(entry.key), entry.source)
                }
                self.entries.append(entry)
            }
        }
        isProfileSpecific = profileFile || onProfile != nil
        guard isProfileSpecific else { return }
        for entry in self.entries {
            let relaxed = SettingKeys.relaxed(entry.key)
            if relaxed == "spring.profiles.active" || relaxed == "spring.profiles.include" {
                throw ConfigError.located(.unusableValue(name: entry.key, value: entry.value,
                                                         reason: "profiles cannot be activated from a profile-specific document or file"), entry.source)
            }
        }
    }

    /// Counts only where `parent` (the document importing this one) counts.
    mutating func inherit(_ parent: SelectableDocument) {
        inheritedProfiles += parent.inheritedProfiles + (parent.onProfile.map { [$0] } ?? [])
        inheritedPlatforms += parent.inheritedPlatforms + (parent.onPlatform.map { [$0] } ?? [])
        isProfileSpecific = isProfileSpecific || parent.isProfileSpecific
    }

    /// Whether the document counts while the active profiles are still being found.
    func appliesBeforeProfiles(platform: String?) throws(ConfigError) -> Bool {
        if isProfileSpecific { return false }
        return try platformMatches(platform)
    }

    func applies(profiles: [String], platform: String?) throws(ConfigError) -> Bool {
        guard try platformMatches(platform) else { return false }
        for onProfile in inheritedProfiles + (onProfile.map { [$0] } ?? []) {
            do {
                guard try ProfileExpression.matches(onProfile.value, active: profiles) else { return false }
            } catch {
                throw ConfigError.located(error, onProfile.source)
            }
        }
        return true
    }

    private func platformMatches(_ platform: String?) throws(ConfigError) -> Bool {
        for onPlatform in inheritedPlatforms where try !Self.platformMatches(onPlatform, platform) { return false }
        guard let onPlatform else { return true }
        return try Self.platformMatches(onPlatform, platform)
    }

    private static func platformMatches(_ onPlatform: ConfigEntry, _ platform: String?) throws(ConfigError) -> Bool {
        let wanted = onPlatform.value.trimmingSpaces.lowercased().replacing("-", with: "_")
        guard CloudPlatform.names.contains(wanted) else {
            throw ConfigError.located(.badValue(name: onPlatform.key, value: onPlatform.value), onPlatform.source)
        }
        return wanted == (platform ?? "none")
    }
}

/// Spring's cloud platforms, as far as the environment shows them.
enum CloudPlatform {
    static let names: Set<String> = ["none", "kubernetes", "cloud_foundry", "heroku", "sap", "nomad", "azure_app_service"]

    static func detect(_ environment: [String: String]) -> String? {
        if environment["KUBERNETES_SERVICE_HOST"] != nil && environment["KUBERNETES_SERVICE_PORT"] != nil { return "kubernetes" }
        if environment["VCAP_APPLICATION"] != nil || environment["VCAP_SERVICES"] != nil { return "cloud_foundry" }
        if environment["DYNO"] != nil { return "heroku" }
        if environment["NOMAD_ALLOC_ID"] != nil { return "nomad" }
        return nil
    }
}

/// The values the loader sees, in Spring's order: flags, then the properties of `SPRING_APPLICATION_JSON`, then
/// environment variables, then the file entries (the last active one wins), then our settings' defaults (so
/// `${server.port}` is 8761 when nothing sets it).
struct PropertyLayers {
    let flags: [ConfigEntry]
    let json: [ConfigEntry]
    let environmentEntries: [ConfigEntry]
    let environment: [String: String]
    private let lowercasedEnvironment: [String: String]
    var files: [ConfigEntry] = []

    init(flags: [ConfigEntry], json: [ConfigEntry] = [], environmentEntries: [ConfigEntry], environment: [String: String]) {
        self.flags = flags
        self.json = json
        self.environmentEntries = environmentEntries
        self.environment = environment
        var lowercased: [String: String] = [:]
        for (name, value) in environment { lowercased[name.lowercased()] = value }
        lowercasedEnvironment = lowercased
    }

    /// The unresolved value of `${name}`.
    func raw(_ name: String) -> String? {
        let relaxed = SettingKeys.relaxed(name)
        if let entry = flags.last(where: { SettingKeys.relaxed($0.key) == relaxed }) { return entry.value }
        if let entry = json.last(where: { SettingKeys.relaxed($0.key) == relaxed }) { return entry.value }
        if let value = EnvironmentNames.lookup(name, in: environment, lowercased: lowercasedEnvironment) { return value }
        if let entry = files.last(where: { SettingKeys.relaxed($0.key) == relaxed }) { return entry.value }
        // An empty default (eureka.instance.hostname: the machine's name, found later) is no value: the
        // placeholder then needs a default of its own.
        let fallback = SettingKeys.byRelaxedName[relaxed]?.read?(ServerConfig())
        return fallback?.isEmpty == false ? fallback : nil
    }

    /// A setting's winning entry with its placeholders resolved, for the loader's own settings.
    func resolved(_ name: String) throws(ConfigError) -> (value: String, source: ConfigSource)? {
        let relaxed = SettingKeys.relaxed(name)
        let matches = { (entry: ConfigEntry) in SettingKeys.relaxed(entry.key) == relaxed }
        guard let entry = flags.last(where: matches) ?? json.last(where: matches) ?? environmentEntries.last(where: matches) ?? files.last(where: matches) else {
            return nil
        }
        var placeholders = Placeholders(lookup: { raw($0) })
        do {
            return (try placeholders.resolve(entry.value, setting: name), entry.source)
        } catch {
            throw ConfigError.located(error, entry.source)
        }
    }
}
