pub mod fuzz;
pub mod server;

/// Runs `future` to completion on a current-thread runtime with timers and I/O, as the async
/// client tests need (`tests/tests/client_transport.rs` keeps its own without drivers, to show
/// a custom transport needs none).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(future)
}
