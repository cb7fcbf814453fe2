/// A connection taken out of request/response for a long-lived answer (the change stream's server-sent events):
/// after the request that opened it, its owner writes to it until either side closes. Input is read only to notice
/// the client leaving, and dropped. Loop thread only.
protocol OpenChannel: AnyObject {
    /// Bytes queued and not yet taken by the kernel (what a slow reader makes grow).
    var queuedBytes: Int { get }
    /// Appends bytes made for this channel and starts writing them.
    func send(_ fill: (inout ByteBuffer) -> Void)
    /// Appends shared immutable bytes by reference (an event sent to many channels is encoded once).
    func send(shared: SharedBytes)
    /// Several shared byte runs, in order, in one write where the socket takes them.
    func send(shared: [SharedBytes])
    /// Closes the connection; `onClose` follows from the close callback.
    func close()
    /// Sends what is queued, then ends the connection gracefully; `onClose` is not called.
    func finish()
    /// Called once, on the loop, when the connection closed (either side). Set by the owner when it adopts it.
    /// The channel lets go of `onClose` and `onDrain` when it closes or finishes, so they may hold their owner's
    /// objects strongly.
    var onClose: (() -> Void)? { get set }
    /// Called when everything queued has left.
    var onDrain: (() -> Void)? { get set }
}
