/** The width of an element, kept up to date while it is mounted (the charts redraw to fit it). */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

export function useElementWidth(fallback = 600): { el: Ref<HTMLElement | undefined>; width: Ref<number> } {
  const el = ref<HTMLElement>();
  const width = ref(fallback);
  let observer: ResizeObserver | undefined;
  onMounted(() => {
    if (!el.value) return;
    width.value = el.value.clientWidth || fallback;
    observer = new ResizeObserver(() => {
      if (el.value) width.value = el.value.clientWidth || width.value;
    });
    observer.observe(el.value);
  });
  onBeforeUnmount(() => observer?.disconnect());
  return { el, width };
}
