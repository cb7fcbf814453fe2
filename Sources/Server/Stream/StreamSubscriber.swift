/// One open change stream: its channel, its filter, and where it stands between snapshot and live events.
/// Loop thread only (owned by StreamHub).
final class StreamSubscriber {
    enum Phase {
        /// The registry is being copied for its snapshot: events are not queued, the snapshot will include them.
        case awaitingCopy
        /// The copy was taken at `sequence` and is being encoded: later events wait here until the snapshot is sent.
        case encoding(sequence: UInt64, backlog: [SharedBytes], backlogBytes: Int)
        /// Events go out as they happen.
        case live
    }

    let channel: OpenChannel
    let filter: StreamFilter
    var phase: Phase
    /// The newest sequence queued for it: an event is queued at most once and in order.
    var lastQueued: UInt64 = 0
    /// Bytes allowed beyond the queue bound until the next drain: the snapshot or the resumed entries, which the
    /// client is owed in one go.
    var allowance = 0
    /// An event or a keep-alive left since the last keep-alive tick.
    var sentSinceTick = false
    /// A large snapshot document it was sent, held until its queue drained so that the last reference (maybe
    /// this one) is dropped on the pool: unmapping tens of megabytes on the loop is a stall.
    var sentDocument: SharedBytes?
    /// Changes of this loop turn after its first, written together when the turn ends (StreamFanOut.endTurn), and
    /// their bytes, which count against the queue bound meanwhile.
    var turnEvents: [SharedBytes] = []
    var turnBytes = 0
    /// The fan-out's loop turn in which a change was last sent to it at once; a later change of the same turn waits in
    /// `turnEvents`.
    var sentInTurn: UInt64 = 0
    /// Gone from the hub: fan-outs still pending, which took it when they were published, skip it.
    var isRemoved = false

    init(channel: OpenChannel, filter: StreamFilter, phase: Phase) {
        self.channel = channel
        self.filter = filter
        self.phase = phase
    }

    var id: ObjectIdentifier { ObjectIdentifier(self) }
}
