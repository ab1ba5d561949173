def trapped_water(heights):
    # Uses the tallest building overall instead of the lower side's maximum.
    top = max(heights, default=0)
    return sum(top - h for h in heights[1:-1])
