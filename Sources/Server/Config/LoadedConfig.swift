/// The outcome of loading: the config, where each value came from, and what was ignored.
public struct LoadedConfig: Sendable {
    let binding: ConfigBinding
    /// The active profiles, in rising precedence (`default` when none was set).
    public let profiles: [String]
    /// The config files read, in rising precedence.
    public let files: [String]

    public var config: ServerConfig { binding.config }
    /// One line per key given that does nothing here (stderr at start-up).
    public var warnings: [String] { binding.warnings }

    public func source(of name: String) -> ConfigSource { binding.source(of: name) }

    /// Where the settings came from, for the start line: profiles, files, and how many settings each kind of
    /// source gave.
    var sourceSummary: [(String, LogValue)] {
        var counts = (files: 0, environment: 0, flags: 0, host: 0)
        for given in binding.given.values {
            switch given.source {
            case .file: counts.files += 1
            case .environment: counts.environment += 1
            case .flag: counts.flags += 1
            case .host: counts.host += 1
            case .defaultValue: break
            }
        }
        var fields: [(String, LogValue)] = [("profiles", .text(profiles.joined(separator: ","))),
                                            ("files", .text(files.joined(separator: ","))),
                                            ("from_files", .int(counts.files)), ("from_environment", .int(counts.environment)),
                                            ("from_flags", .int(counts.flags))]
        if counts.host > 0 { fields.append(("from_host", .int(counts.host))) }
        return fields
    }

    /// An error about a setting's value found after loading (a peer URL that cannot be used) with the setting's
    /// source attached, as the loader's own errors have it.
    public func locate(_ error: ConfigError) -> ConfigError {
        switch error {
        case .badValue(let name, _), .unusableValue(let name, _, _):
            let source = source(of: name)
            return source == .defaultValue ? error : .located(error, source)
        default:
            return error
        }
    }

    /// `--print-config`: every setting with its effective value and source, in properties syntax (so the output
    /// can seed a file), then what was given but does nothing here. Passwords in URLs are masked.
    public var report: String {
        var lines = ["# eureka-server effective configuration",
                     "# profiles: \(profiles.joined(separator: ", "))",
                     "# files: \(files.isEmpty ? "none" : files.joined(separator: ", "))"]
        for key in SettingKeys.all {
            let given = binding.given[SettingKeys.relaxed(key.name)]
            var note = given?.source.description ?? ConfigSource.defaultValue.description
            if case .noEffect(let reason) = key.kind { note += "; no effect: \(reason)" }
            if let read = key.read {
                lines.append(Self.line(key.name, read(config), note))
            } else if key.kind == .loader, let given {
                // The JSON may carry secrets of keys that are not ours; its settings are listed one by one anyway.
                let value = key.name == ApplicationJSON.name ? "(JSON; its settings are listed with this source)" : given.value
                lines.append(Self.line(key.name, value, note))
            }
        }
        for zoned in binding.zoneSettings {
            lines.append(Self.line(zoned.name, zoned.value, zoned.source.description))
        }
        lines.append("# peers, in order: " + (config.peerServiceURLs.isEmpty ? "none" : config.peerServiceURLs.map(Self.masked).joined(separator: ", ")))
        if !binding.ignored.isEmpty {
            lines.append("# given, with no effect here:")
            for entry in binding.ignored {
                lines.append("#   \(entry.key)  # \(entry.source): \(entry.reason)")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func line(_ name: String, _ value: String, _ note: String) -> String {
        let text = "\(name)=\(escaped(masked(value)))"
        let padding = String(repeating: " ", count: max(1, 64 - text.count))
        return text + padding + "# " + note
    }

    /// `http://user:secret@host/` -> `http://user:***@host/`, item by item.
    static func masked(_ value: String) -> String {
        value.split(separator: ",", omittingEmptySubsequences: false).map { (item: Substring) -> String in
            guard let scheme = item.firstRange(of: "://"), let at = item[scheme.upperBound...].firstIndex(of: "@"),
                  let colon = item[scheme.upperBound..<at].firstIndex(of: ":") else { return String(item) }
            return String(item[...colon]) + "***" + String(item[at...])
        }.joined(separator: ",")
    }

    /// Properties-file escaping for a value: backslashes, line breaks, tabs, a leading blank.
    private static func escaped(_ value: String) -> String {
        var out = ""
        for (offset, character) in value.enumerated() {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case " " where offset == 0: out += "\\ "
            default: out.append(character)
            }
        }
        return out
    }
}

extension ConfigLoader {
    /// The --help text: the sources and their order, then every setting by the name Spring users write.
    public static var helpText: String {
        var lines = [
            "usage: eureka-server [--name=value ...] [--print-config] [--help]",
            "",
            "Settings come from, highest precedence first:",
            "  1. command-line flags    --server.port=8762",
            "  2. SPRING_APPLICATION_JSON={\"server\":{\"port\":8762}} (or --spring.application.json=): a JSON object",
            "  3. environment           SERVER_PORT=8762, EUREKA_CLIENT_SERVICEURL_DEFAULTZONE=http://peer:8761/eureka/",
            "                           (the name with dots as _, dashes dropped, any case)",
            "  4. config files          application.yml, application.yaml or application.properties in ./ and ./config/",
            "                           (./config/ wins), application-{profile}.yml beside them (these win), or the",
            "                           files and directories of --spring.config.location=a.yml,conf/ (optional:conf/",
            "                           may be missing); later documents of a file win over earlier ones",
            "  5. the defaults below",
            "Names match relaxed: eviction-interval-timer-in-ms = evictionIntervalTimerInMs. Values may hold",
            "${name} and ${name:default} placeholders, resolved from other settings and the environment.",
            "Profiles: --spring.profiles.active=peer1 (or SPRING_PROFILES_ACTIVE) selects application-peer1.yml and the",
            "documents with spring.config.activate.on-profile: peer1 (or spring.profiles: peer1).",
            "An unknown eureka.server.* or eureka.node.* key (in the environment: a misspelt one), or a bad value,",
            "stops start-up (exit 2); other keys of a Spring configuration (eureka.instance.*, eureka.client.*,",
            "spring.*, management.*, ...) are ignored with one warning line each.",
            "",
            "  --print-config   print every effective setting with its source, then exit",
            "  --help           this text",
            "",
            "settings (name=default):",
        ]
        let defaults = ServerConfig()
        for key in SettingKeys.all {
            guard let read = key.read else { continue }
            var help = key.help
            if case .noEffect(let reason) = key.kind { help += " (accepted, no effect: \(reason))" }
            lines.append(column("  \(key.name)=\(read(defaults))", help))
        }
        lines.append(column("  eureka.client.service-url.<zone>", "the peer URLs of one zone (a list)"))
        lines.append(column("  eureka.client.availability-zones.<region>", "the zones of a region, in order (a comma list); peers"))
        lines.append(column("", "are every zone's URLs, a zone without any taking defaultZone's"))
        lines.append("")
        lines.append("files and profiles:")
        for key in SettingKeys.all where key.kind == .loader {
            lines.append(column("  \(key.name)", key.help))
        }
        lines.append("")
        lines.append("accepted, no effect here (so Netflix and Spring configurations start unchanged):")
        for key in SettingKeys.all where key.read == nil {
            if case .noEffect(let reason) = key.kind { lines.append(column("  \(key.name)", reason)) }
        }
        for family in SettingKeys.noEffectFamilies {
            lines.append(column("  \(family.shown)", family.reason))
        }
        return lines.joined(separator: "\n")
    }

    private static func column(_ left: String, _ right: String) -> String {
        left + String(repeating: " ", count: max(2, 72 - left.count)) + right
    }
}
