/// What one peer's dispatcher has done since it was created, for metrics and logs. Every dropped task is counted
/// under exactly one reason.
struct ReplicationCounters: Sendable, Equatable {
    /// Tasks handed to `submit`.
    var submitted = 0
    /// Submitted tasks that replaced a pending task with the same id (the older one is never sent).
    var merged = 0
    var batchesSent = 0
    var itemsSent = 0
    /// Dropped because the pool was full: the head on a new task, or retries that no longer fit.
    var droppedOverflow = 0
    /// Dropped because their expiry passed: on submission, while forming a batch, or when handed back.
    var droppedExpired = 0
    /// Retries dropped because a newer task with the same id was pending by then.
    var droppedSuperseded = 0
    /// Tasks put back at the front after a congestion or transient outcome.
    var retried = 0

    /// Batch outcomes by class (7.6).
    var successes = 0
    var congestions = 0
    var transientErrors = 0
    var permanentErrors = 0

    /// Item results of successful batches (7.7).
    var itemsSucceeded = 0
    var itemsFailed = 0
    var reRegistersRequested = 0
    var adoptionsRequested = 0
    /// Replies whose result count differed from the batch (all their results ignored).
    var lengthMismatches = 0

    init() {}

    mutating func count(_ outcome: BatchOutcome) {
        switch outcome {
        case .success: successes += 1
        case .congestion: congestions += 1
        case .transient: transientErrors += 1
        case .permanent: permanentErrors += 1
        }
    }

    mutating func count(_ report: BatchResults.Report) {
        itemsSucceeded += report.succeeded
        itemsFailed += report.failures.count
        if report.lengthMismatch != nil { lengthMismatches += 1 }
        for followUp in report.followUps {
            switch followUp {
            case .reRegister: reRegistersRequested += 1
            case .adopt: adoptionsRequested += 1
            }
        }
    }
}
