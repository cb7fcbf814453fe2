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
}

/// A reply that will be completed on the loop thread. The connection waits for it before it
/// decodes the next pipelined request, so answers still leave in request order.
final class PendingReply {
    private var deliver: ((Response) -> Void)?
    private var early: Response?

    init() {}

    /// Loop thread only. Completing twice is a programmer error.
    func complete(_ response: Response) {
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
