import Glibc
import Synchronization

/// A node running its loop on a thread of its own: what tests and hosts that do not own a loop use.
/// Only Sendable things leave the loop thread: the bound port and the mailbox.
final class RunningNode: Sendable {
    let port: Int
    let mailbox: LoopMailbox
    private let thread: pthread_t
    private let ending: LoopEnding

    fileprivate init(port: Int, mailbox: LoopMailbox, thread: pthread_t, ending: LoopEnding) {
        self.port = port
        self.mailbox = mailbox
        self.thread = thread
        self.ending = ending
    }

    /// Asks the node to stop gracefully and waits for its thread to end. Returns how the loop ended: the
    /// handles still open once `run()` returned (0 when every owner closed its own) and uv_loop_close's code.
    @discardableResult
    func stop() -> (openHandles: Int, loopClose: Int32) {
        mailbox.post(.stop)
        pthread_join(thread, nil)
        return ending.result.withLock { $0 }
    }

    /// Runs `work` on the loop thread and waits for it (tests inspect the registry this way).
    @discardableResult
    func sync<T: Sendable>(_ work: @escaping @Sendable (EurekaNode) -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = ThreadSemaphore()
        mailbox.post(.withOwner { owner in
            result.withLock { $0 = work(owner as! EurekaNode) }
            done.signal()
        })
        done.wait()
        return result.withLock { $0! }
    }
}

extension EurekaNode {
    /// Builds the node on a new thread and runs its loop there; returns once it listens.
    /// Throws the start-up failure (a port in use, say).
    static func startOnThread(config: ServerConfig) throws -> RunningNode {
        final class Start: @unchecked Sendable {  // written by the new thread before `ready` is signalled
            let config: ServerConfig
            let ready = ThreadSemaphore()
            let ending = LoopEnding()
            var result: Result<(Int, LoopMailbox), Error>?
            init(config: ServerConfig) { self.config = config }
        }
        let start = Start(config: config)
        let box = Unmanaged.passRetained(start).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
            do {
                let node = try EurekaNode(config: start.config)
                start.result = .success((node.port, node.mailbox))
                start.ready.signal()
                node.run()
                let ending = (node.loop.openHandleCount, node.loop.close())
                start.ending.result.withLock { $0 = ending }
            } catch {
                start.result = .failure(error)
                start.ready.signal()
            }
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed")
        start.ready.wait()
        switch start.result! {
        case .success(let (port, mailbox)):
            return RunningNode(port: port, mailbox: mailbox, thread: thread, ending: start.ending)
        case .failure(let error):
            pthread_join(thread, nil)
            throw error
        }
    }
}

/// How a node's loop ended, written by its thread before it exits and read after the join.
private final class LoopEnding: Sendable {
    let result = Mutex<(openHandles: Int, loopClose: Int32)>((-1, -1))
}

/// A counting semaphore on a pthread mutex and condition (the server library uses no Dispatch).
final class ThreadSemaphore: @unchecked Sendable {  // `count` is only touched under `mutex`
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var count = 0

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func signal() {
        pthread_mutex_lock(mutex)
        count += 1
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    func wait() {
        pthread_mutex_lock(mutex)
        while count == 0 { pthread_cond_wait(condition, mutex) }
        count -= 1
        pthread_mutex_unlock(mutex)
    }
}
