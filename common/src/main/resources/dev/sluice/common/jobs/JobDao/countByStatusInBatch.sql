select status, count(*) as count from jobs where batch_id = :batchId group by status
