/* Shrinking a photo on the caller's phone before it goes up (caller.js): a canvas, long side
   at most MAX_SIDE px, JPEG at QUALITY, turned upright from its EXIF orientation, without the
   phone's location data. Part of the caller's page only (lowered for old phones, no shared
   modules). */

const MAX_SIDE = 1600;
const QUALITY = 0.8;

function loadImage(file) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => { URL.revokeObjectURL(url); resolve(img); };
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error('undecodable')); };
    img.src = url; // browsers turn an <img> upright from its EXIF orientation
  });
}

/** The photo as an upright JPEG, long side at most MAX_SIDE; the file itself when this
    browser cannot decode it (the server reads HEIC and the rest). */
export async function shrink(file) {
  try {
    let source = null;
    if (typeof createImageBitmap === 'function') {
      try {
        source = await createImageBitmap(file, { imageOrientation: 'from-image' });
      } catch {
        source = null;
      }
    }
    if (!source) source = await loadImage(file);
    const w = source.naturalWidth || source.width;
    const h = source.naturalHeight || source.height;
    if (!w || !h) throw new Error('empty');
    const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(w * scale));
    canvas.height = Math.max(1, Math.round(h * scale));
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff'; // a transparent PNG on white, not black
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    source.close?.();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
    canvas.width = 0; // let go of the pixels at once (small phones)
    if (blob && blob.size > 0) return blob;
  } catch { /* fall through: the original goes up */ }
  return file;
}
