import Glibc

/// Where finished lines go when not to stderr: tests pass a closure that keeps them.
typealias LogSink = (String) -> Void

/// The node's event log: one line per event, loop-confined (no lock), time from the node's TimeSource. A line
/// below its logger's threshold costs a comparison; nothing is rendered for it.
final class EventLog {
    let settings: LogSettings
    private let time: TimeSource
    /// nil: `descriptor` (standard error), written from the line's bytes (no String), each line whole (see `flush`).
    private let sink: LogSink?
    private let descriptor: Int32
    // Loop-confined, and no line is written from inside another's rendering: the three buffers a line passes
    // through skip the dynamic exclusivity checks (three runtime calls per line otherwise).
    /// The line being rendered, its memory kept from line to line (freed with the log).
    @exclusivity(unchecked) private var line: LogFields
    /// The last line's timestamp up to the second, reused by the lines of the same second.
    @exclusivity(unchecked) private var stamps = TimestampCache()
    /// Lines to stderr not written yet, while `batchesWrites`: a registration's line cost a write(2) of its own, a
    /// system call as dear as the rest of the line; a loop turn serving several registrations now writes once.
    @exclusivity(unchecked) private var pending: [UInt8] = []
    /// Set by the node once it flushes at the end of every loop turn (LoopTurnEnd); until then each line is
    /// written at once.
    var batchesWrites = false
    /// A batch is written before it would pass this: writes of at most PIPE_BUF bytes reach a pipe whole, so the
    /// lines of another writer to the same stderr never land inside one of ours.
    static let maxBatchBytes = 4_096
    /// Rate limiting by key: when the current window started, lines written in it, lines suppressed in it.
    private var windows: [String: (start: Int64, written: Int, suppressed: Int)] = [:]
    /// Lines per key and window of `limitWindowMs` before suppression.
    let limitBurst: Int
    let limitWindowMs: Int64

    init(settings: LogSettings, time: TimeSource, limitBurst: Int = 1, limitWindowMs: Int64 = 60_000,
         sink: LogSink? = nil, descriptor: Int32 = 2) {
        self.settings = settings
        self.time = time
        self.limitBurst = limitBurst
        self.limitWindowMs = limitWindowMs
        self.sink = sink
        self.descriptor = descriptor
        line = LogFields.make(format: settings.format)
    }

    deinit {
        flush()
        line.free()
    }

    /// Writes the batched lines (the node calls it at the end of every loop turn and when it stops).
    func flush() {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBufferPointer { Self.writeAll($0, to: descriptor) }
        pending.removeAll(keepingCapacity: true)
    }

    func isEnabled(_ level: LogLevel, _ logger: LogLevel.Logger = .eureka) -> Bool {
        level != .off && level >= settings.threshold(logger)
    }

    func log(_ level: LogLevel, _ event: String, _ fields: [(String, LogValue)] = [], logger: LogLevel.Logger = .eureka) {
        guard isEnabled(level, logger) else { return }
        write(level, event, fields)
    }

    /// A line whose fields `fields` appends straight into the line's buffer (`LogFields`): the form of the lines
    /// written per request (a registration's), which builds no array of fields, and nothing at all for a line below
    /// the threshold.
    func log(_ level: LogLevel, _ event: String, logger: LogLevel.Logger = .eureka, fields: (inout LogFields) -> Void) {
        guard isEnabled(level, logger) else { return }
        line.removeAll()
        line.begin(millis: time.nowMillis(), level: level, event: event, stamps: &stamps)
        fields(&line)
        line.end()
        emit()
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
        LogLine.render(millis: time.nowMillis(), level: level, event: event, fields: fields, into: &line, stamps: &stamps)
        emit()
    }

    /// Hands the rendered `line` to the sink, the batch or standard error.
    private func emit() {
        let bytes = line.bytes
        if let sink { return sink(String(decoding: bytes, as: UTF8.self)) }
        guard batchesWrites else { return Self.writeAll(bytes, to: descriptor) }
        if pending.count + bytes.count > Self.maxBatchBytes { flush() }
        pending.append(contentsOf: bytes)
    }

    /// One `write(2)` of whole lines (retried after a partial write or EINTR).
    private static func writeAll(_ bytes: UnsafeBufferPointer<UInt8>, to descriptor: Int32) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { return }
        }
    }
}
