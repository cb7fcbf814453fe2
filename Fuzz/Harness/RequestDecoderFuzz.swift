#if DEBUG
@testable import Server

/// Bytes in as a client connection would send them, requests out: the same requests, and the same end
/// (a failure or a clean close), however the input is cut into reads. Every request whole is also answered
/// by a node's API (no loop: the cache builds inline), which must give a valid status and never a 500.
enum RequestDecoderFuzz {
    /// What one request decoded to, comparable across runs.
    struct Decoded: Equatable {
        var method: HTTPMethod
        var url: [UInt8]
        var headers: [[UInt8]]
        var body: [UInt8]
        var keepAlive: Bool
        var isHTTP10: Bool
        var continueRequested: Bool
    }

    struct Outcome: Equatable {
        var requests: [Decoded] = []
        var end: RequestDecoder.Result = .needMore
    }

    static let maxHeaderBytes = 2_048
    static let maxBodyBytes = 4_096

    static func run(_ input: UnsafeRawBufferPointer) {
        let pool = RequestBufferPool(limit: 4)
        let whole = decode(input, pieces: [input.count], pool: pool, answer: true)
        // Heads that come whole are split without header callbacks; the callback path is the reference.
        let reference = decode(input, pieces: [input.count], pool: pool, answer: false, splitsWholeHeads: false)
        fuzzCheck(whole == reference, "the whole-head split differs from the header callbacks: \(whole) vs \(reference)")
        for plan in Splits.plans(count: input.count, seedBytes: input) {
            let split = decode(input, pieces: plan, pool: pool, answer: false)
            fuzzCheck(split == whole, "request decoding depends on the split \(plan): \(split) vs \(whole)")
        }
    }

    /// Feeds the pieces in turn as one connection's reads, then the peer's close.
    static func decode(_ input: UnsafeRawBufferPointer, pieces: [Int], pool: RequestBufferPool, answer: Bool,
                       splitsWholeHeads: Bool = true) -> Outcome {
        let decoder = RequestDecoder(maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes, pool: pool,
                                     splitsWholeHeads: splitsWholeHeads)
        var outcome = Outcome()
        var start = 0
        for length in pieces {
            var offset = start
            let end = start + length
            start = end
            while offset < end {
                let result = decoder.decode(UnsafeRawBufferPointer(rebasing: input[offset..<end]))
                switch result {
                case .request(let consumed):
                    fuzzCheck(consumed > 0 && consumed <= end - offset, "consumed \(consumed) of \(end - offset)")
                    offset += consumed
                    outcome.requests.append(snapshot(decoder))
                    if answer { NodeAnswers.check(decoder.request) }
                case .needMore:
                    offset = end
                case .failure:
                    outcome.end = result
                    return outcome
                }
            }
            decoder.recycleBuffers()  // as the connection does once a read is used up
        }
        outcome.end = decoder.finish()
        return outcome
    }

    private static func snapshot(_ decoder: RequestDecoder) -> Decoded {
        let request = decoder.request
        fuzzCheck(request.urlRange.upperBound <= request.head.count, "URL range outside the head")
        let headers = request.headers.pairs(in: request.head).flatMap { [Array($0.0.utf8), Array($0.1.utf8)] }
        return Decoded(method: request.method, url: Array(request.url), headers: headers, body: request.body,
                       keepAlive: request.keepAlive, isHTTP10: request.isHTTP10, continueRequested: decoder.continueRequested)
    }
}

/// A node's API without a loop or sockets: what the connection would answer to each request.
enum NodeAnswers {
    /// Rebuilt now and then, so registrations made by fuzz inputs do not pile up for the whole run.
    nonisolated(unsafe) private static var api = makeAPI()
    nonisolated(unsafe) private static var answered = 0

    static func check(_ request: Request) {
        answered += 1
        if answered % 5_000 == 0 { api = makeAPI() }
        if request.method == .post || request.method == .put, let refusal = api.refusal(beforeBody: request) {
            checkStatus(refusal.status, request)
        }
        switch api.respond(to: request) {
        case .now(let response): checkStatus(response.status, request)
        case .later(let pending):
            var delivered = false
            pending.onComplete { response in
                delivered = true
                checkStatus(response.status, request)
            }
            fuzzCheck(delivered, "a reply built inline was not delivered")
        case .channel:
            checkStatus(200, request)  // the change stream (off in the fuzzed API): its head is written by its hub
        }
    }

    private static func checkStatus(_ status: Int, _ request: Request) {
        fuzzCheck((200...599).contains(status), "status \(status)")
        fuzzCheck(status != 500, "500 for \(request.method.name) \(String(decoding: request.url, as: UTF8.self))")
    }

    private static func makeAPI() -> EurekaAPI {
        let time = SystemTimeSource()
        let registry = InstanceRegistry(settings: RegistrySettings(), time: time, random: SystemRandomSource())
        let cache = ResponseCache(settings: .init(), time: time, runner: InlineRunner(), registry: registry)
        // Weak: the cache holds the registry, so a strong capture would keep each replaced node alive (a leak report).
        registry.onEvent = { [weak cache] event in cache?.invalidate(after: event) }
        var config = ServerConfig()
        config.instanceHostname = "fuzz-node"
        config.address = "127.0.0.1"
        let status = StatusPage(settings: .init(), identity: NodeIdentity(config: config), startedAtMillis: time.nowMillis(), time: time)
        return EurekaAPI(router: Router(), registry: registry, cache: cache, status: status, settings: .init(), time: time)
    }
}

/// Runs the cache's off-loop work inline: the fuzzer has no loop, and the answer is wanted at once.
final class InlineRunner: OffLoopRunner {
    func run<Output: Sendable>(_ work: @escaping @Sendable () -> Output, label: String, then completion: @escaping (Output) -> Void) {
        completion(work())
    }
}
#endif
