import Glibc

/// The standard `process_*` series of Prometheus clients, read from /proc when a scrape asks (Linux).
struct ProcessStats: Sendable {
    var residentBytes = 0
    var cpuSeconds = 0.0
    var openFDs = 0
    var maxFDs = 0
    var startTimeSeconds = 0.0

    static func read() -> ProcessStats {
        var stats = ProcessStats()
        let ticks = Double(max(1, sysconf(Int32(_SC_CLK_TCK))))
        // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15, starttime 22.
        if let stat = text("/proc/self/stat"), let close = stat.lastIndex(of: ")") {
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 19, let user = Double(fields[11]), let system = Double(fields[12]), let start = Double(fields[19]) {
                stats.cpuSeconds = (user + system) / ticks
                if let boot = bootTime() { stats.startTimeSeconds = boot + start / ticks }
            }
        }
        if let statm = text("/proc/self/statm"), let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
            stats.residentBytes = pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        }
        stats.openFDs = openDescriptors()
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 { stats.maxFDs = Int(clamping: limit.rlim_cur) }
        return stats
    }

    private static func bootTime() -> Double? {
        guard let stat = text("/proc/stat") else { return nil }
        let line = stat.split(separator: "\n").first { $0.hasPrefix("btime ") }
        return line.flatMap { Double($0.dropFirst(6)) }
    }

    private static func openDescriptors() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if UInt8(bitPattern: entry.pointee.d_name.0) != UInt8(ascii: ".") { count += 1 }
        }
        return max(0, count - 1)  // the directory being read is itself open
    }

    private static func text(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            let read = fread(&chunk, 1, chunk.count, file)
            if read <= 0 { break }
            bytes += chunk[..<read]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
