import Glibc
import Foundation
import Testing
@testable import Server

@Suite struct LogEventTests {
    @Test func registrationCancellationAndEvictionInLogfmt() {
        let h = LogHarness()
        h.registryHarness.register(instance("i-1"))
        _ = h.registry.cancel(app: "ORDERS", id: "i-1", isReplication: true)
        h.registryHarness.register(instance("i-2"))
        h.registryHarness.advance(200_000)
        h.nodeLog.evictionRun(h.registry.evict())
        #expect(h.written.count == 4)
        #expect(h.written[0] == "ts=2023-11-14T22:13:20.000Z level=info event=registered app=ORDERS id=i-1 status=UP replaced=false replication=false\n")
        #expect(h.written[1].hasSuffix(" level=info event=cancelled app=ORDERS id=i-1 replication=true\n"))
        #expect(h.written[3].hasPrefix("ts=2023-11-14T22:16:40.000Z level=info event=eviction_run expired=1 evicted=1 total=1"))
        #expect(h.written.allSatisfy { $0.hasSuffix("\n") && $0.dropLast().allSatisfy { $0 != "\n" } })
    }

    /// The registration line reads the stored lease (not a copy of its record) and whether one was replaced.
    @Test func aReRegistrationSaysItReplacedALease() {
        let h = LogHarness()
        h.registryHarness.register(instance("i-1"))
        h.registryHarness.register(instance("i-1"), replication: true)
        #expect(h.written.last == "ts=2023-11-14T22:13:20.000Z level=info event=registered app=ORDERS id=i-1 status=UP replaced=true replication=true\n")
    }

    @Test func theSameEventsAsJSONLines() throws {
        let h = LogHarness(format: .json)
        h.registryHarness.register(instance("i-1"))
        _ = h.registry.cancel(app: "ORDERS", id: "i-1", isReplication: false)
        h.registryHarness.register(instance("i-2"))
        h.registryHarness.advance(200_000)
        h.nodeLog.evictionRun(h.registry.evict())
        h.nodeLog.syncResult(.init(copied: 3, anyPeerAnswered: true, attempts: 2))
        let objects = try h.json()
        #expect(objects.map { $0["event"] as? String } == ["registered", "cancelled", "registered", "eviction_run", "startup_sync"])
        #expect(objects[0]["ts"] as? String == "2023-11-14T22:13:20.000Z")
        #expect(objects[0]["level"] as? String == "info")
        #expect(objects[0]["app"] as? String == "ORDERS")
        #expect(objects[0]["id"] as? String == "i-1")
        #expect(objects[0]["replication"] as? Bool == false)
        #expect(objects[3]["evicted"] as? Int == 1)
        #expect(objects[4]["copied"] as? Int == 3)
        #expect(objects[4]["answered"] as? Bool == true)
        #expect(objects[4]["attempts"] as? Int == 2)
    }

    @Test func selfPreservationEnteredAndLeftWithItsInputs() throws {
        let h = LogHarness(format: .json, selfPreservation: true)
        h.registryHarness.register(instance("i-1"))
        h.registry.openForTraffic(count: 1)  // E = 1, T = 1, R = 0: still preserving, nothing to say
        h.nodeLog.checkSelfPreservation()
        #expect(h.written.count == 1)
        for _ in 0..<3 { _ = h.registryHarness.renew("i-1") }
        h.registry.rotateRenewsPerMinute()  // R = 3 > T
        h.nodeLog.checkSelfPreservation()
        h.registry.rotateRenewsPerMinute()  // R = 0
        h.nodeLog.checkSelfPreservation()
        h.nodeLog.checkSelfPreservation()  // no change, no line
        let objects = try h.json().dropFirst()
        #expect(objects.map { $0["event"] as? String } == ["self_preservation_left", "self_preservation_entered"])
        let left = objects.first!, entered = objects.last!
        #expect(left["level"] as? String == "info")
        #expect(entered["level"] as? String == "warn")
        #expect(left["renews_last_minute"] as? Int == 3)
        #expect(entered["renews_last_minute"] as? Int == 0)
        #expect(entered["expected"] as? Int != nil)
        #expect(entered["threshold"] as? Int != nil)
    }

    @Test func nothingPerHeartbeatAtInfo() {
        let h = LogHarness()
        h.registryHarness.register(instance("i-1"))
        for _ in 0..<100 { _ = h.registryHarness.renew("i-1") }
        h.nodeLog.evictionRun(h.registry.evict())  // nothing expired: a debug line
        #expect(h.written.count == 1)
    }

    @Test func levelsFilter() {
        let quietEureka = LogHarness(root: .info, eureka: .warn)
        quietEureka.registryHarness.register(instance("i-1"))
        quietEureka.nodeLog.log.log(.info, "started", [], logger: .root)
        #expect(quietEureka.written.map { $0.contains("event=started") } == [true])

        let quietRoot = LogHarness(root: .error)
        quietRoot.registryHarness.register(instance("i-1"))
        quietRoot.nodeLog.log.log(.info, "started", [], logger: .root)
        #expect(quietRoot.written.isEmpty)

        let verbose = LogHarness(root: .warn, eureka: .debug)
        verbose.registryHarness.register(instance("i-1"))
        _ = verbose.registryHarness.renew("i-1")
        #expect(verbose.written.count == 2)
        #expect(verbose.written[1].contains("level=debug event=renewed app=ORDERS id=i-1"))

        let off = LogHarness(root: .off)
        off.nodeLog.log.log(.error, "x", [], logger: .root)
        #expect(off.written.isEmpty)
    }

    @Test func quotingInLogfmt() {
        let line = LogLine.render(.logfmt, ts: "t", level: .warn, event: "e",
                                  fields: [("reason", "connection refused"), ("q", "a\"b=c"), ("empty", "")])
        #expect(line == "ts=t level=warn event=e reason=\"connection refused\" q=\"a\\\"b=c\" empty=\"\"\n")
    }

    @Test func timestamps() {
        #expect(LogLine.timestamp(millis: 0) == "1970-01-01T00:00:00.000Z")
        #expect(LogLine.timestamp(millis: 951_782_400_007) == "2000-02-29T00:00:00.007Z")
        #expect(LogLine.timestamp(millis: 1_796_428_622_123) == "2026-12-04T23:57:02.123Z")
    }

    /// The event log's form of a line (timestamp and line as bytes, no String) is byte for byte the String form.
    @Test func theByteFormOfALineIsTheStringForm() {
        let fields: [(String, LogValue)] = [("app", .text("ORDERS")), ("id", .text("a b=\"c\"")), ("n", .int(-3)),
                                            ("replaced", .bool(true)), ("empty", .text("")), ("u", .text("é\n"))]
        for format in [LogSettings.Format.logfmt, .json] {
            for millis in [Int64(0), 951_782_400_007, 1_796_428_622_123, -62_135_596_800_000, 253_402_300_800_000] {
                var bytes: [UInt8] = [1, 2]
                LogLine.render(format, millis: millis, level: .info, event: "registered", fields: fields, into: &bytes)
                let text = LogLine.render(format, ts: LogLine.timestamp(millis: millis), level: .info, event: "registered", fields: fields)
                #expect(bytes == [1, 2] + Array(text.utf8), "\(format) \(millis)")
            }
        }
    }

    /// A line whose fields are appended one by one (`EventLog.log(_:_:fields:)`, the registration's form) is byte
    /// for byte the line of the same fields given as an array, quoting and escaping included, in both formats.
    @Test func theFieldFormIsTheArrayForm() {
        for format in [LogSettings.Format.logfmt, .json] {
            var settings = LogSettings()
            settings.format = format
            let box = LineBox()
            let log = EventLog(settings: settings, time: ManualTimeSource(now: 1_796_428_622_123)) { box.lines.append($0) }
            for id in ["i-1", "a b=\"c\"", "", "é\n\\"] {
                log.log(.info, "registered", [("app", .text("ORDERS")), ("id", .text(id)), ("n", .int(-3)),
                                              ("replaced", .bool(true)), ("replication", .bool(false))])
                log.log(.info, "registered") { line in
                    line.text("app", "ORDERS")
                    line.text("id", id)
                    line.int("n", -3)
                    line.bool("replaced", true)
                    line.bool("replication", false)
                }
                log.log(.debug, "below the threshold") { _ in Issue.record("a line below the threshold was rendered") }
                #expect(box.lines.count == 2)
                #expect(box.lines.first == box.lines.last, "\(format) \(id)")
                box.lines.removeAll()
            }
        }
    }

    /// Batched lines reach the descriptor only at `flush` (the node's end of a loop turn), whole and in order, in
    /// writes of at most `maxBatchBytes`; unbatched ones at once.
    @Test func batchedLinesAreWrittenAtFlushInWholeLines() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        func drain() -> String {
            var text = ""
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(ends[0], &buffer, buffer.count)
                if count <= 0 { return text }
                text += String(decoding: buffer[..<count], as: UTF8.self)
            }
        }
        let log = EventLog(settings: LogSettings(), time: ManualTimeSource(now: 0), descriptor: ends[1])
        log.log(.info, "unbatched")
        #expect(drain() == "ts=1970-01-01T00:00:00.000Z level=info event=unbatched\n")
        log.batchesWrites = true
        for i in 0..<3 { log.log(.info, "registered", [("n", .int(i))]) }
        #expect(drain() == "")
        log.flush()
        #expect(drain().split(separator: "\n").map { $0.split(separator: " ").last! } == ["n=0", "n=1", "n=2"])
        // Past the batch bound the lines written so far go out at once, each whole.
        let long = String(repeating: "x", count: 1_000)
        for _ in 0..<5 { log.log(.info, "long", [("v", .text(long))]) }
        let early = drain()
        #expect(!early.isEmpty && early.utf8.count <= EventLog.maxBatchBytes && early.hasSuffix("\n"))
        log.flush()
        #expect((early + drain()).split(separator: "\n").count == 5)
    }
}
