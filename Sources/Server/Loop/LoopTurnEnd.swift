import CLibUV

/// A uv_prepare_t running `action` at the end of every loop turn, just before the loop polls (and may sleep): where
/// output gathered during the turn is written in one go (the node's log lines, EventLog.batchesWrites). Unref'd, so
/// it never keeps a loop running.
final class LoopTurnEnd: LoopHandle {
    private let action: () -> Void

    init(loop: EventLoop, _ action: @escaping () -> Void) throws(UVError) {
        self.action = action
        try super.init(loop: loop, kind: .phaseWatch, uv_prepare_t.self) { uv_prepare_init(loop.raw, $0) }
        uv_prepare_start(raw(as: uv_prepare_t.self)) { p in
            owner(of: p, as: LoopTurnEnd.self).action()
        }
        unref()
    }

    override func willClose() { uv_prepare_stop(raw(as: uv_prepare_t.self)) }
}
