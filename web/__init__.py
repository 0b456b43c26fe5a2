"""Flask glue shared by the admin UI and the JSON API: the request's database session."""
