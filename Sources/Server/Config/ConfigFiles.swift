import Glibc

/// Where config files are and which of them exist, as Spring Boot looks: `application.{yaml,yml,properties}` in the
/// working directory and then in `./config/` (each later one overriding), or the files and directories that
/// `spring.config.location` lists instead. In one directory `.properties` overrides `.yml`, which overrides
/// `.yaml`. Profile files (`application-peer1.yml`) sit beside the plain ones.
enum ConfigFiles {
    enum Format: Sendable { case yaml, properties }

    struct File: Sendable, Equatable {
        /// As messages show it: relative to the working directory for the default places, else as given.
        let shown: String
        let fullPath: String
        let format: Format
    }

    struct Location: Sendable {
        let shown: String
        let fullPath: String
        let isDirectory: Bool
        let optional: Bool
    }

    static let defaultLocations = ["optional:./", "optional:./config/"]

    /// The places to look, from `spring.config.location` (a comma list; `optional:` allows a missing one, `file:`
    /// is allowed and dropped; a name ending in `/` is a directory) or the defaults.
    static func locations(_ setting: String?, workingDirectory: String) throws(ConfigError) -> [Location] {
        let items = (setting?.split(separator: ",").map { String($0.trimmingSpaces) }.filter { !$0.isEmpty }) ?? defaultLocations
        var locations: [Location] = []
        for item in items {
            var text = Substring(item)
            let optional = text.hasPrefix("optional:")
            if optional { text = text.dropFirst("optional:".count) }
            if text.hasPrefix("file:") { text = text.dropFirst("file:".count) }
            if text.hasPrefix("classpath:") {
                throw ConfigError.unusableValue(name: "spring.config.location", value: item, reason: "there is no classpath here; name a file or a directory")
            }
            var shown = String(text)
            while shown.hasPrefix("./") { shown.removeFirst(2) }
            let fullPath = text.hasPrefix("/") ? String(text) : join(workingDirectory, shown)
            // Spring wants a trailing `/` on a directory; one that exists is taken as one without it too.
            let isDirectory = text.hasSuffix("/") || shown.isEmpty || (format(of: shown) == nil && Self.isDirectory(fullPath))
            if isDirectory && !shown.isEmpty && !shown.hasSuffix("/") { shown += "/" }
            if !isDirectory && format(of: shown) == nil {
                throw ConfigError.unusableValue(name: "spring.config.location", value: item, reason: "a config file must end in .yml, .yaml or .properties")
            }
            locations.append(Location(shown: shown, fullPath: fullPath, isDirectory: isDirectory, optional: optional))
        }
        return locations
    }

    /// The files that exist, in rising precedence, for `profile` (nil: the plain files). A named file or directory
    /// that is missing is an error unless it was marked `optional:`; a missing profile variant never is.
    static func existing(in locations: [Location], names: [String], profile: String?) throws(ConfigError) -> [File] {
        var files: [File] = []
        for location in locations {
            if location.isDirectory {
                if profile == nil && !location.optional && !isDirectory(location.fullPath) {
                    throw ConfigError.missingFile(location.shown)
                }
                for name in names {
                    let base = name + (profile.map { "-\($0)" } ?? "")
                    for (ext, format) in [("yaml", Format.yaml), ("yml", .yaml), ("properties", .properties)] {
                        let file = File(shown: location.shown + base + "." + ext, fullPath: join(location.fullPath, base + "." + ext), format: format)
                        if isFile(file.fullPath) { files.append(file) }
                    }
                }
            } else {
                guard let format = format(of: location.shown) else { continue }
                if let profile {
                    let file = File(shown: variant(location.shown, profile), fullPath: variant(location.fullPath, profile), format: format)
                    if isFile(file.fullPath) { files.append(file) }
                } else if isFile(location.fullPath) {
                    files.append(File(shown: location.shown, fullPath: location.fullPath, format: format))
                } else if !location.optional {
                    throw ConfigError.missingFile(location.shown)
                }
            }
        }
        return files
    }

    /// The directory of `file`, as shown (`config/`, or empty in the working directory) and in full.
    static func directory(of file: File) -> (shown: String, full: String) {
        let shown = file.shown.lastIndex(of: "/").map { String(file.shown[...$0]) } ?? ""
        let full = file.fullPath.lastIndex(of: "/").map { String(file.fullPath[...$0]) } ?? "."
        return (shown, full)
    }

    static func read(_ file: File) throws(ConfigError) -> String {
        guard let stream = fopen(file.fullPath, "rb") else {
            throw ConfigError.unreadableFile(path: file.shown, reason: String(cString: strerror(errno)))
        }
        defer { fclose(stream) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, stream) }
            bytes.append(contentsOf: chunk[0..<count])
            if count < chunk.count { break }
        }
        if ferror(stream) != 0 {
            throw ConfigError.unreadableFile(path: file.shown, reason: String(cString: strerror(errno)))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func format(of path: String) -> Format? {
        if path.hasSuffix(".yml") || path.hasSuffix(".yaml") { return .yaml }
        if path.hasSuffix(".properties") { return .properties }
        return nil
    }

    /// `config/custom.yml` for profile `peer1`: `config/custom-peer1.yml`.
    private static func variant(_ path: String, _ profile: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return path + "-" + profile }
        return path[..<dot] + "-" + profile + path[dot...]
    }

    private static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty || directory == "." { return name.isEmpty ? "." : name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func isFile(_ path: String) -> Bool { mode(path).map { $0 & S_IFMT == S_IFREG } ?? false }
    private static func isDirectory(_ path: String) -> Bool { mode(path).map { $0 & S_IFMT == S_IFDIR } ?? false }

    private static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode : nil
    }
}
