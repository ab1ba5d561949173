function trapped_water(heights) {
  let left = 0, right = heights.length - 1;
  let leftMax = 0, rightMax = 0, water = 0;
  while (left < right) {
    if (heights[left] < heights[right]) {
      leftMax = Math.max(leftMax, heights[left]);
      water += leftMax - heights[left++];
    } else {
      rightMax = Math.max(rightMax, heights[right]);
      water += leftMax > heights[right] ? leftMax - heights[right--] : (right--, 0);
    }
  }
  return water;
}
