/// A binary min-heap: how the simulation's generators and `merge` put streams in time order.
public struct MinHeap<Element: Comparable> {
  private var items: [Element] = []

  /// An empty heap.
  public init() {}

  /// Whether it holds nothing.
  public var isEmpty: Bool { items.isEmpty }
  /// How many elements it holds.
  public var count: Int { items.count }
  /// The smallest element.
  public var min: Element? { items.first }

  /// Adds `element`.
  public mutating func insert(_ element: Element) {
    items.append(element)
    var child = items.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard items[child] < items[parent] else { break }
      items.swapAt(child, parent)
      child = parent
    }
  }

  /// Removes and returns the smallest element.
  public mutating func popMin() -> Element? {
    guard !items.isEmpty else { return nil }
    items.swapAt(0, items.count - 1)
    let top = items.removeLast()
    var parent = 0
    while true {
      let left = 2 * parent + 1
      let right = left + 1
      var smallest = parent
      if left < items.count && items[left] < items[smallest] { smallest = left }
      if right < items.count && items[right] < items[smallest] { smallest = right }
      if smallest == parent { break }
      items.swapAt(parent, smallest)
      parent = smallest
    }
    return top
  }

  /// Whether an element satisfies `test`.
  public func contains(where test: (Element) -> Bool) -> Bool { items.contains(where: test) }

  /// Removes every element for which `drop` is true.
  public mutating func removeAll(where drop: (Element) -> Bool) {
    let kept = items.filter { !drop($0) }
    items = []
    for e in kept { insert(e) }
  }
}
