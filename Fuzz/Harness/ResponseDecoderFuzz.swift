#if DEBUG
@testable import Server

/// A peer's reply bytes in, replies out (the peer client's side of replication and start-up sync): the same
/// replies and the same end however the bytes arrive, both for an ordinary request and for a HEAD.
enum ResponseDecoderFuzz {
    struct Decoded: Equatable {
        var status: Int
        var headers: [[UInt8]]
        var body: [UInt8]
        var keepAlive: Bool
    }

    struct Outcome: Equatable {
        var responses: [Decoded] = []
        var end: ResponseDecoder.Result = .needMore
    }

    static let maxBodyBytes = 8_192

    static func run(_ input: UnsafeRawBufferPointer) {
        for headOnly in [false, true] {
            let whole = decode(input, pieces: [input.count], headOnly: headOnly)
            for plan in Splits.plans(count: input.count, seedBytes: input) {
                let split = decode(input, pieces: plan, headOnly: headOnly)
                fuzzCheck(split == whole, "response decoding depends on the split \(plan) (HEAD: \(headOnly)): \(split) vs \(whole)")
            }
        }
    }

    static func decode(_ input: UnsafeRawBufferPointer, pieces: [Int], headOnly: Bool) -> Outcome {
        let decoder = ResponseDecoder(maxHeaderBytes: 2_048, maxBodyBytes: maxBodyBytes)
        decoder.expectsHeadersOnly = headOnly
        var outcome = Outcome()
        var start = 0
        for length in pieces {
            var offset = start
            let end = start + length
            start = end
            while offset < end {
                let result = decoder.decode(UnsafeRawBufferPointer(rebasing: input[offset..<end]))
                switch result {
                case .response(let consumed):
                    fuzzCheck(consumed >= 0 && consumed <= end - offset, "consumed \(consumed) of \(end - offset)")
                    offset += consumed
                    let response = decoder.takeResponse()
                    fuzzCheck(response.body.count <= maxBodyBytes, "body over the limit: \(response.body.count)")
                    let headers = response.headers.pairs(in: response.head).flatMap { [Array($0.0.utf8), Array($0.1.utf8)] }
                    outcome.responses.append(Decoded(status: response.status, headers: headers, body: response.body,
                                                     keepAlive: response.keepAlive))
                case .needMore:
                    offset = end
                case .failure:
                    outcome.end = result
                    return outcome
                }
            }
        }
        outcome.end = decoder.finish()
        if case .response = outcome.end {
            let response = decoder.takeResponse()
            let headers = response.headers.pairs(in: response.head).flatMap { [Array($0.0.utf8), Array($0.1.utf8)] }
            outcome.responses.append(Decoded(status: response.status, headers: headers, body: response.body, keepAlive: response.keepAlive))
            outcome.end = .response(consumed: 0)
        }
        return outcome
    }
}
#endif
