-- Version 2: the database itself refuses a record whose body names another division or
-- station than the row it is stored in. The upload can then COPY a batch straight into
-- `records` (the body is parsed into jsonb there anyway) and still never store a record
-- outside the caller's division: a violating row fails the COPY, and the batch is redone
-- through the staging table, where that row is answered `rejected`.
-- `->` compares JSON values, so a number 450103 is not the division "450103"; a missing
-- key or a body that is not an object is a violation too (coalesce to false).
ALTER TABLE records ADD CONSTRAINT records_body_owner CHECK (
    coalesce(body -> 'division' = to_jsonb(division), false)
    AND coalesce(body -> 'station_id' = to_jsonb(station_id), false)
);
