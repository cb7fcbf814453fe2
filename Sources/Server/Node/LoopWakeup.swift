/// `Wakeup` (what replication asks for) over one uv_timer.
final class LoopWakeup: Wakeup {
    private let timer: LoopTimer

    init(loop: EventLoop) throws(UVError) { timer = try LoopTimer(loop: loop) }

    func arm(afterMs: Int64, _ action: @escaping () -> Void) {
        timer.start(afterMs: UInt64(max(0, afterMs)), repeatMs: 0, action)
    }

    func disarm() { timer.stop() }

    func close() { timer.close() }
}
