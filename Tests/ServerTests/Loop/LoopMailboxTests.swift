import Testing
@testable import Server

/// The mailbox tells a sender whether it took the message, and what it took is received even when it closes first.
@Suite(.serialized) struct LoopMailboxTests {
    @Test func messagesTakenBeforeCloseAreReceivedAndLaterOnesRefused() throws {
        let loop = try makeTestLoop()
        var received: [String] = []
        let mailbox = try LoopMailbox(loop: loop) { message in
            if case .withOwner(let work) = message { work(loop) }
            received.append("message")
        }
        #expect(mailbox.post(.withOwner { _ in }))
        #expect(mailbox.post(.stop))
        mailbox.close()  // before the loop ever ran the async callback
        #expect(received.count == 2)
        #expect(!mailbox.post(.stop))
        loop.run()
        #expect(received.count == 2)
        expectLoopClosesClean(loop)
    }
}
