@testable import Server

/// A transport that records what replication sent and lets the test answer each request by hand.
final class RecordingTransport: PeerTransport {
    var batches: [(items: [ReplicationItem], completion: (PeerReply) -> Void)] = []
    var fetches: [(PeerReply) -> Void] = []
    var digests: [(request: DigestCodec.Digest, completion: (PeerReply) -> Void)] = []
    var closed = false

    func sendBatch(_ body: [UInt8], completion: @escaping (PeerReply) -> Void) {
        let items = (try? ReplicationListCodec.decode(body, now: 0)) ?? []
        batches.append((items, completion))
    }

    func fetchRegistry(completion: @escaping (PeerReply) -> Void) { fetches.append(completion) }

    func sendDigest(_ body: [UInt8], completion: @escaping (PeerReply) -> Void) {
        let request = (try? DigestCodec.decodeRequest(body)) ?? DigestCodec.Digest(node: "undecodable", hashes: [:])
        digests.append((request, completion))
    }

    func close() { closed = true }

    /// Answers the oldest unanswered batch.
    func answerBatch(_ reply: PeerReply) {
        let batch = batches.removeFirst()
        batch.completion(reply)
    }

    func answerBatch(statusCodes: [Int], entities: [Int: InstanceInfo] = [:]) {
        let results = statusCodes.enumerated().map { ReplicationResult(statusCode: $0.element, entity: entities[$0.offset]) }
        answerBatch(.response(status: 200, body: ReplicationListCodec.encode(results)))
    }
}

/// A wake-up the test fires: it remembers the last armed action and its delay.
final class ManualWakeup: Wakeup {
    var armed: (afterMs: Int64, action: () -> Void)?
    var closed = false

    func arm(afterMs: Int64, _ action: @escaping () -> Void) { armed = (afterMs, action) }
    func disarm() { armed = nil }
    func close() {
        closed = true
        armed = nil
    }

    /// Runs the armed action once (it may arm again).
    func fire() {
        guard let armed else { return }
        self.armed = nil
        armed.action()
    }
}

/// Runs off-loop work inline.
final class InlineRunner: OffLoopRunner {
    func run<Output: Sendable>(_ work: @escaping @Sendable () -> Output, label: String, then completion: @escaping (Output) -> Void) {
        completion(work())
    }
}
