"""What every app builds its API with: errors, paging, text limits, id types, abuse
limits and operational log lines. The bottom floor: it imports no app and no shell."""
