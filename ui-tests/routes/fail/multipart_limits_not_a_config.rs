use galaxy_core::extract::Multipart;
use galaxy_core::prelude::*;

galaxy_core::app! {
    app = Uploads;
    routes {
        POST "/avatars" => upload, public;
    }
}

/// Meant to hold the avatar limits, but never implements `MultipartConfig`.
struct AvatarLimits;

async fn upload(form: Multipart<AvatarLimits>) -> String {
    format!("{} files", form.files().len())
}

fn main() {}
