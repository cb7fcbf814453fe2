/// The last registrations or cancellations, for the dashboard only (spec 4.1: two rings of 1,000;
/// Netflix `recentRegisteredQueue` / `recentCanceledQueue`). Stores the caller's strings, builds none,
/// and overwrites the oldest slot, so a register or cancel costs no allocation once the ring is full.
struct RecentActivity {
    static let capacity = 1000

    private var slots: [(time: Int64, app: String, id: String)] = []
    private var next = 0

    mutating func record(time: Int64, app: String, id: String) {
        if slots.count < Self.capacity {
            slots.append((time, app, id))
        } else {
            slots[next] = (time, app, id)
        }
        next = (next + 1) % Self.capacity
    }

    /// The newest `count`, oldest first, without copying the rest of the ring (the dashboard's front page).
    func newest(_ count: Int) -> [(time: Int64, app: String, id: String)] {
        let taken = min(count, slots.count)
        return (0..<taken).map { back in slots[(next - taken + back + Self.capacity) % Self.capacity] }
    }

    /// Oldest first.
    var items: [(time: Int64, app: String, id: String)] {
        slots.count < Self.capacity ? slots : Array(slots[next...] + slots[..<next])
    }
}
