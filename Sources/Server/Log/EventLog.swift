import Glibc

/// Where finished lines go: by default stderr, one `write(2)` per line so lines of concurrent writers never
/// interleave; tests pass a closure that keeps them.
typealias LogSink = (String) -> Void

/// The node's event log: one line per event, loop-confined (no lock), time from the node's TimeSource. A line
/// below its logger's threshold costs a comparison; nothing is rendered for it.
final class EventLog {
    let settings: LogSettings
    private let time: TimeSource
    private let sink: LogSink
    /// Rate limiting by key: when the current window started, lines written in it, lines suppressed in it.
    private var windows: [String: (start: Int64, written: Int, suppressed: Int)] = [:]
    /// Lines per key and window of `limitWindowMs` before suppression.
    let limitBurst: Int
    let limitWindowMs: Int64

    init(settings: LogSettings, time: TimeSource, limitBurst: Int = 1, limitWindowMs: Int64 = 60_000,
         sink: LogSink? = nil) {
        self.settings = settings
        self.time = time
        self.limitBurst = limitBurst
        self.limitWindowMs = limitWindowMs
        self.sink = sink ?? Self.standardError
    }

    func isEnabled(_ level: LogLevel, _ logger: LogLevel.Logger = .eureka) -> Bool {
        level != .off && level >= settings.threshold(logger)
    }

    func log(_ level: LogLevel, _ event: String, _ fields: [(String, LogValue)] = [], logger: LogLevel.Logger = .eureka) {
        guard isEnabled(level, logger) else { return }
        write(level, event, fields)
    }

    /// For repeated errors (a dead peer's failures): at most `limitBurst` lines per `key` in each window; the
    /// first line after a window with suppressed lines carries `suppressed=N`.
    func limited(_ key: String, _ level: LogLevel, _ event: String, _ fields: [(String, LogValue)]) {
        guard isEnabled(level) else { return }
        let now = time.nowMillis()
        var window = windows[key] ?? (now, 0, 0)
        var extra: [(String, LogValue)] = []
        if now - window.start >= limitWindowMs {
            if window.suppressed > 0 { extra.append(("suppressed", .int(window.suppressed))) }
            window = (now, 0, 0)
        }
        if window.written >= limitBurst {
            window.suppressed += 1
            windows[key] = window
            return
        }
        window.written += 1
        windows[key] = window
        write(level, event, fields + extra)
    }

    /// Counts a line written elsewhere (a state change announcing the failure) as the first of a new window for `key`.
    func countAsLimited(_ key: String) {
        windows[key] = (time.nowMillis(), 1, 0)
    }

    /// Forgets a key's window (a peer back up starts afresh); a pending count of suppressed lines is returned.
    @discardableResult
    func resetLimit(_ key: String) -> Int {
        windows.removeValue(forKey: key)?.suppressed ?? 0
    }

    private func write(_ level: LogLevel, _ event: String, _ fields: [(String, LogValue)]) {
        let ts = LogLine.timestamp(millis: time.nowMillis())
        sink(LogLine.render(settings.format, ts: ts, level: level, event: event, fields: fields))
    }

    static func standardError(_ line: String) {
        var text = line
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { return }
            }
        }
    }
}
