extension MetricsText {
    /// The change stream and the long-poll delta (docs/change-stream.md), present while they are on.
    static func appendChangeStream(_ stream: StreamHub.Metrics, _ metric: (String, String, String, Int) -> Void) {
        metric("eureka_stream_subscribers", "gauge", "Open change streams.", stream.subscribers)
        metric("eureka_stream_held_polls", "gauge", "Long-poll delta requests held until a change or their timeout.", stream.heldPolls)
        metric("eureka_stream_events_sent_total", "counter", "Change-stream events queued to streams (snapshots included).",
               stream.eventsSent)
        metric("eureka_stream_snapshots_sent_total", "counter", "Change-stream snapshots sent.", stream.snapshotsSent)
        metric("eureka_stream_subscribers_dropped_total", "counter", "Change streams closed because their queue passed its bound.",
               stream.subscribersDropped)
    }
}
