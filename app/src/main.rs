//! Entry point of the WebAssembly bundle that Trunk builds: install the panic hook, mount the app.

use spacetime_app::App;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
