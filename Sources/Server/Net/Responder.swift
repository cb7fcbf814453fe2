/// What the API implements: a request answered now, or later (a payload built off the loop).
protocol Responder: AnyObject {
    func respond(to request: Request) -> Reply
    /// Asked once the headers of a request with `Expect: 100-continue` are in, before its body: a
    /// response here is sent instead of `100 Continue` (spec 1.8) and the connection then closes.
    func refusal(beforeBody request: Request) -> Response?
}

extension Responder {
    func refusal(beforeBody request: Request) -> Response? { nil }
}

enum Reply {
    case now(Response)
    case later(PendingReply)
    /// The connection leaves request/response: it hands itself to `adopt` as an OpenChannel and answers nothing
    /// after this request (the change stream). The adopter writes the response head itself.
    case channel(adopt: (OpenChannel) -> Void)
}

/// A reply that will be completed on the loop thread. The connection waits for it before it
/// decodes the next pipelined request, so answers still leave in request order.
final class PendingReply {
    private var deliver: ((Response) -> Void)?
    private var early: Response?
    /// A held reply (the long-poll delta) waits for an event that may be long in coming: the connection keeps
    /// reading meanwhile to notice the client leaving, and then calls `cancel()` so the holder lets it go.
    private(set) var isHeld = false
    private var onCancel: (() -> Void)?

    init() {}

    /// Marks the reply held; `onCancel` runs (once) if the client leaves before it is completed.
    func hold(onCancel: @escaping () -> Void) {
        isHeld = true
        self.onCancel = onCancel
    }

    /// A reply that stands for `source` (a wrapper that records metrics) is held when it is, and its cancel
    /// reaches it.
    func relayCancel(to source: PendingReply) {
        guard source.isHeld else { return }
        hold { source.cancel() }
    }

    /// The connection closed before completion: the holder drops it. Does nothing once completed.
    func cancel() {
        let action = onCancel
        onCancel = nil
        deliver = nil
        action?()
    }

    /// Loop thread only. Completing twice is a programmer error.
    func complete(_ response: Response) {
        onCancel = nil
        if let deliver {
            self.deliver = nil
            deliver(response)
        } else {
            precondition(early == nil, "PendingReply completed twice")
            early = response
        }
    }

    func onComplete(_ deliver: @escaping (Response) -> Void) {
        if let early {
            self.early = nil
            deliver(early)
        } else {
            self.deliver = deliver
        }
    }
}
