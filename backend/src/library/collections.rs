//! Collections: curated, ordered sets of resources in sections, each with an introduction.
