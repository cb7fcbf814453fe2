/// `POST /peerreplication/digest` (docs/anti-entropy.md, ours): a peer's application hashes in, this node's states
/// and tombstones of the applications that differ out, at most `maxDigestStates` states (`truncated` past it).
/// Routed only while anti-entropy is on; protected like the batch endpoint (peers only).
extension EurekaAPI {
    /// Instance states per reply (docs/anti-entropy.md). The loop only collects them into a value array (the JSON and
    /// gzip are made on the pool); at this cap that collection stays near 1 ms at 100,000 instances
    /// (bench/RESULTS.md), where 10,000 states held the loop 19-28 ms with the encoding on it.
    static let maxDigestStates = 2_000

    func peerReplicationDigest(_ request: Request) -> Reply {
        let errorJSON = RequestBody.errorIsJSON(request)
        let body: [UInt8]
        switch RequestBody.read(request, maxBytes: settings.maxBodyBytes) {
        case .success(let read) where read.format == .json: body = read.bytes
        case .success: return .now(RequestBody.Failure.unsupportedMediaType.response(json: errorJSON))
        case .failure(let failure): return .now(failure.response(json: errorJSON))
        }
        let digest: DigestCodec.Digest
        do {
            digest = try DigestCodec.decodeRequest(body)
        } catch {
            return .now(Self.error(400, "cannot parse digest: expected {\"apps\":{\"<APP>\":\"<hex hash>\"}}", json: true))
        }
        let started = Monotonic.micros()
        let reply = registry.digestReply(to: digest.hashes, limit: Self.maxDigestStates)
        let gzip = Negotiation.acceptsGzip(request)
        if !reply.apps.isEmpty {
            digestAnswers.count += 1
            defer { digestAnswers.loopMicros += Monotonic.micros() - started }
        }
        guard let runner = digestRunner, !reply.apps.isEmpty else { return .now(Self.digestResponse(Self.encodeDigest(reply, gzip: gzip))) }
        let pending = PendingReply()
        runner.run({ Self.encodeDigest(reply, gzip: gzip) }, then: { pending.complete(Self.digestResponse($0)) })
        return .later(pending)
    }

    /// The reply's JSON, gzipped when the peer accepts it and it exceeds 1 KiB. Pure: runs on the pool.
    private static func encodeDigest(_ reply: DigestReply, gzip: Bool) -> (bytes: [UInt8], gzipped: Bool) {
        let encoded = DigestCodec.encodeReply(reply)
        if gzip, encoded.count > 1_024, let compressed = Gzip.compress(encoded) { return (compressed, true) }
        return (encoded, false)
    }

    private static func digestResponse(_ encoded: (bytes: [UInt8], gzipped: Bool)) -> Response {
        var response = Response(status: 200, contentType: .json, body: .bytes(encoded.bytes))
        response.contentEncodingGzip = encoded.gzipped
        return response
    }
}
