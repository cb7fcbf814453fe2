/// `POST /peerreplication/digest` (docs/anti-entropy.md, ours): a peer's application hashes in, this node's states
/// and tombstones of the applications that differ out, at most `maxDigestStates` states (`truncated` past it).
/// Routed only while anti-entropy is on; protected like the batch endpoint (peers only).
extension EurekaAPI {
    /// Instance states per reply (docs/anti-entropy.md): about 800 KB of JSON, before gzip.
    static let maxDigestStates = 10_000

    func peerReplicationDigest(_ request: Request) -> Response {
        let errorJSON = RequestBody.errorIsJSON(request)
        let body: [UInt8]
        switch RequestBody.read(request, maxBytes: settings.maxBodyBytes) {
        case .success(let read) where read.format == .json: body = read.bytes
        case .success: return RequestBody.Failure.unsupportedMediaType.response(json: errorJSON)
        case .failure(let failure): return failure.response(json: errorJSON)
        }
        let digest: DigestCodec.Digest
        do {
            digest = try DigestCodec.decodeRequest(body)
        } catch {
            return Self.error(400, "cannot parse digest: expected {\"apps\":{\"<APP>\":\"<hex hash>\"}}", json: true)
        }
        let reply = registry.digestReply(to: digest.hashes, limit: Self.maxDigestStates)
        var encoded = DigestCodec.encodeReply(reply)
        var gzipped = false
        if Negotiation.acceptsGzip(request), encoded.count > 1_024, let compressed = Gzip.compress(encoded) {
            encoded = compressed
            gzipped = true
        }
        var response = Response(status: 200, contentType: .json, body: .bytes(encoded))
        response.contentEncodingGzip = gzipped
        return response
    }
}
