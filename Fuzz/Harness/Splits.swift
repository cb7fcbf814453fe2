#if DEBUG
@testable import Server

/// Where to cut an input when a decoder is fed it in pieces, as reads from a socket would deliver it.
/// Small inputs are cut at every position (and fed a byte at a time); larger ones at positions and in
/// chunk sizes drawn from a generator seeded by the input, so a crash reproduces from the input alone.
enum Splits {
    static let everyPositionLimit = 256

    /// Each plan is a list of piece lengths summing to `count`.
    static func plans(count: Int, seedBytes: UnsafeRawBufferPointer) -> [[Int]] {
        guard count > 1 else { return [] }
        var plans: [[Int]] = []
        if count <= everyPositionLimit {
            for cut in 1..<count { plans.append([cut, count - cut]) }
            plans.append(Array(repeating: 1, count: count))
            return plans
        }
        var generator = SplitMix64(seed: seedBytes.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 })
        for _ in 0..<8 {
            let cut = 1 + Int(generator.next() % UInt64(count - 1))
            plans.append([cut, count - cut])
        }
        for maxChunk in [7, 200] {
            var pieces: [Int] = []
            var left = count
            while left > 0 {
                let piece = min(left, 1 + Int(generator.next() % UInt64(maxChunk)))
                pieces.append(piece)
                left -= piece
            }
            plans.append(pieces)
        }
        return plans
    }
}
#endif
