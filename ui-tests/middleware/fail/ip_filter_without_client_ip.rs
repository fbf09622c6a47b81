use galaxy_core::middleware::{AccessLog, IpFilter, RequestIdLayer};

// `IpFilter` checks the `ClientIp` that `TrustedProxies` provides, and `AccessLog` logs the
// `RequestId` that `RequestIdLayer` provides: neither comes before them here.
galaxy_core::app! {
    app = Site;
    chain admin = [IpFilter::allow(["10.0.0.0/8"]), AccessLog, RequestIdLayer::default()];
    routes {
        GET "/" => home, public, via admin;
    }
}

async fn home() -> &'static str {
    "home"
}

fn main() {}
