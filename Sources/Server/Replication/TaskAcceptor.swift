/// The pending tasks of one peer (spec 7.6, Netflix `AcceptorExecutor`): a map id -> task and the processing order
/// of ids. Invariant: every pending id is in the order exactly once, so replacing a task touches only the map,
/// and taking from the head removes the id from both. Bounded at `capacity`; what is dropped is counted by the
/// caller from the returned tallies.
struct TaskAcceptor {
    /// `max-elements-in-peer-replication-pool`; a setting of 0 behaves as 1 (the new task always gets in).
    let capacity: Int
    private var pending: [ReplicationTask.Key: ReplicationTask] = [:]
    private var order = RingDeque<ReplicationTask.Key>()

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { pending.count }
    var isEmpty: Bool { pending.isEmpty }
    var isFull: Bool { pending.count >= capacity }

    /// The task that leaves next: the one pending under the first id of the order.
    var head: ReplicationTask? { order.first.flatMap { pending[$0] } }

    /// What `accept` did.
    struct Accepted: Equatable {
        /// A pending task with the same id was replaced in place.
        var replaced = false
        /// The pool was full, so the head was dropped first.
        var droppedHead = false
    }

    /// A new task: when full, the head goes first (overflow); then it replaces a pending task with its id,
    /// keeping that position, or joins the back.
    mutating func accept(_ task: ReplicationTask) -> Accepted {
        var result = Accepted()
        if isFull, let dropped = order.popFirst() {
            pending[dropped] = nil
            result.droppedHead = true
        }
        if pending.updateValue(task, forKey: task.key) == nil {
            order.append(task.key)
        } else {
            result.replaced = true
        }
        return result
    }

    /// What `takeBack` did with each task handed back.
    struct Retried: Equatable {
        var requeued = 0
        var expired = 0
        /// A newer task with the same id was pending: it goes instead.
        var superseded = 0
        var overflow = 0
    }

    /// The tasks of a batch that failed retryably, back to the front of the order newest-first, so they end up
    /// in their batch order ahead of everything else. Expired or superseded ones are dropped, and once the pool is
    /// full the rest are dropped as overflow.
    mutating func takeBack(_ tasks: [ReplicationTask], now: Int64) -> Retried {
        var result = Retried()
        for (index, task) in tasks.enumerated().reversed() {
            if isFull {
                result.overflow += index + 1
                break
            }
            if task.isExpired(at: now) {
                result.expired += 1
            } else if pending[task.key] != nil {
                result.superseded += 1
            } else {
                pending[task.key] = task
                order.prepend(task.key)
                result.requeued += 1
            }
        }
        return result
    }

    mutating func popHead() -> ReplicationTask? {
        guard let id = order.popFirst() else { return nil }
        return pending.removeValue(forKey: id)
    }

    /// The earliest submission among pending tasks. O(n): for a metrics scrape, not for every loop turn (the head
    /// is not always the oldest: a replaced task keeps its place with a newer submission time).
    var oldestSubmission: Int64? {
        pending.values.lazy.map(\.submittedAt).min()
    }
}
