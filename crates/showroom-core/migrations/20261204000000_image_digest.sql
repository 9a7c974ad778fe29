-- The online show serves thumbnails by the digest of their source (`/media/{digest}/{size}`,
-- cached for good): it asks whether the current catalog has an image of that digest.
CREATE INDEX product_image_digest ON product_image (digest);
