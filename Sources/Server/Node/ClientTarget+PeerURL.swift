extension ClientTarget {
    /// Where a peer's service URL points (spec 7.1), with its user info as Basic credentials.
    init(peer: PeerURL) {
        self.init(host: peer.host, port: peer.port, basePath: peer.basePath,
                  user: peer.credentials?.user, password: peer.credentials?.password)
    }
}
