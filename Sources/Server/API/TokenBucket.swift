/// One token bucket of the fetch rate limiter (spec 8), with the refill arithmetic of Netflix's
/// `client/discovery/util/RateLimiter`: whole tokens only, `floor(elapsed ms × rate / 1000)` credited at a
/// time, and the refill time advanced by exactly the time those tokens stand for, so the fraction of a
/// token not yet credited is kept for the next call instead of being lost. The bucket starts full.
/// Time comes in as an argument, so tests drive it with a number instead of a clock.
struct TokenBucket: Sendable {
    let capacity: Int
    let perSecond: Int
    private var consumed = 0
    /// Epoch ms of the last credit; 0 until the first call, which credits nothing (the bucket is full).
    private var refilledAt: Int64 = 0

    init(capacity: Int, perSecond: Int) {
        self.capacity = capacity
        self.perSecond = perSecond
    }

    /// A capacity or rate of 0 or less disables the bucket: it admits everything.
    var isDisabled: Bool { capacity <= 0 || perSecond <= 0 }

    /// Takes one token if there is one.
    mutating func take(now: Int64) -> Bool {
        guard !isDisabled else { return true }
        refill(now: now)
        guard consumed < capacity else { return false }
        consumed += 1
        return true
    }

    private mutating func refill(now: Int64) {
        if refilledAt == 0 {
            refilledAt = now
            return
        }
        let elapsed = now - refilledAt
        guard elapsed > 0 else { return }
        let (product, overflow) = elapsed.multipliedReportingOverflow(by: Int64(perSecond))
        let credited = overflow ? Int64(capacity) : product / 1_000
        guard credited > 0 else { return }
        // credited × 1000 / rate <= elapsed: the refill time never passes `now`.
        refilledAt = overflow ? now : refilledAt + credited * 1_000 / Int64(perSecond)
        consumed = max(0, consumed - Int(min(credited, Int64(capacity))))
    }
}
