//! Partners in Practice: the API server behind the `partners` command.

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod content;
pub mod db;
pub mod demo;
pub mod error;
pub mod forum;
pub mod mail;
pub mod metrics;
pub mod model;
pub mod moderation;
pub mod notify;
pub mod posting;
pub mod search;
pub mod server;
pub mod state;
pub mod validate;
pub mod watched;
