import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { createI18n } from 'vue-i18n';
import App from './App.vue';
import { MESSAGES } from './lib/messages.js';
import './styles.css';

const i18n = createI18n({ legacy: false, locale: 'en', fallbackLocale: 'en', messages: MESSAGES });
createApp(App).use(createPinia()).use(i18n).mount('#app');
