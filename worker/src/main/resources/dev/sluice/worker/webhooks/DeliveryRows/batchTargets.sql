-- the batches of these events that have a webhook_url
select id, webhook_url from batches where id = any(:ids) and webhook_url is not null
