select id
from jobs
where batch_id = :batchId
order by batch_index
