/// Where eviction gets its randomness (spec 5.1). A protocol so tests can seed it and assert which
/// leases a run picks; the node uses the system generator.
protocol RandomSource: RandomNumberGenerator {}

extension RandomSource {
    /// Uniform in `0..<bound`; the standard library's unbiased reduction, over this source.
    mutating func nextIndex(below bound: Int) -> Int {
        Int.random(in: 0..<bound, using: &self)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and fully determined by its seed, which is all a test needs.
struct SplitMix64: RandomSource {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The operating system's generator; Netflix seeds `java.util.Random` with the wall clock, this is at least as random.
struct SystemRandomSource: RandomSource {
    private var generator = SystemRandomNumberGenerator()

    init() {}

    mutating func next() -> UInt64 { generator.next() }
}
