select status from jobs where id = :id
