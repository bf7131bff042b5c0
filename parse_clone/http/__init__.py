"""HTTP: aiohttp routes and the request pipeline; no permission or storage logic lives here."""
